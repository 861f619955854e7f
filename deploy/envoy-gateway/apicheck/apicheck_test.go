package apicheck

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/cors-wasm/cors-wasm/internal/importer"
)

// documents returns the JSON of every YAML document of a file.
func documents(t *testing.T, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(d, "")) == "" {
			continue
		}
		j, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, j)
	}
	return out
}

func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// newObject returns the real API type for a document's kind.
func newObject(kind string) any {
	switch kind {
	case "Gateway":
		return &gwv1.Gateway{}
	case "HTTPRoute":
		return &gwv1.HTTPRoute{}
	case "EnvoyProxy":
		return &egv1a1.EnvoyProxy{}
	case "EnvoyExtensionPolicy":
		return &egv1a1.EnvoyExtensionPolicy{}
	case "SecurityPolicy":
		return &egv1a1.SecurityPolicy{}
	case "Namespace":
		return &corev1.Namespace{}
	case "Service":
		return &corev1.Service{}
	case "Deployment":
		return &appsv1.Deployment{}
	}
	return nil
}

// Every document of deploy/envoy-gateway, the Kubernetes and Gateway API
// documents of deploy/istio, and the importer's Envoy Gateway test manifest
// decode strictly into Envoy Gateway's, Gateway API's and Kubernetes' own
// types: no unknown field, no wrong type.
func TestManifestsDecodeIntoRealTypes(t *testing.T) {
	files := []string{"../oci/demo.yaml", "../oci/gateway.yaml", "../oci/httproute.yaml", "../oci/extensionpolicy.yaml",
		"../http/demo.yaml", "../http/gateway.yaml", "../http/httproute.yaml", "../http/extensionpolicy.yaml",
		"../../istio/sidecar/demo.yaml", "../../istio/gateway/demo.yaml", "../../istio/gateway/gateway.yaml",
		"../../../internal/importer/testdata/envoygateway.yaml"}
	for _, f := range files {
		for i, d := range documents(t, f) {
			var h struct{ Kind string }
			if err := json.Unmarshal(d, &h); err != nil {
				t.Fatal(err)
			}
			obj := newObject(h.Kind)
			if obj == nil {
				t.Errorf("%s document %d: kind %q not checked", f, i, h.Kind)
				continue
			}
			if err := strict(d, obj); err != nil {
				t.Errorf("%s document %d (%s): %v", f, i, h.Kind, err)
			}
		}
	}
	// The checks can fail: a misspelt field is refused.
	bad := []byte(`{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"EnvoyExtensionPolicy","spec":{"wasm":[{"failOpn":false}]}}`)
	if strict(bad, newObject("EnvoyExtensionPolicy")) == nil {
		t.Error("a misspelt field decoded")
	}
}

// The importer's local SecurityPolicy has only fields the real type has, at
// the same JSON paths, with compatible kinds.
func TestImporterSecurityPolicyMatchesRealType(t *testing.T) {
	var problems []string
	compare(reflect.TypeOf(importer.SecurityPolicy{}), reflect.TypeOf(egv1a1.SecurityPolicy{}), "", &problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// compare walks local and real struct types by JSON name.
func compare(local, real reflect.Type, path string, problems *[]string) {
	local, real = deref(local), deref(real)
	if local.Kind() != reflect.Struct {
		if !compatible(local, real) {
			*problems = append(*problems, path+": local "+local.String()+", real "+real.String())
		}
		return
	}
	if local == real {
		return // the same type (gateway-api's own)
	}
	realFields := jsonFields(real)
	for name, lf := range jsonFields(local) {
		rf, ok := realFields[name]
		if !ok {
			*problems = append(*problems, path+"."+name+": not in the real type")
			continue
		}
		if lf.Type == reflect.TypeOf(json.RawMessage(nil)) {
			continue // accepted by name, not read
		}
		compare(lf.Type, rf.Type, path+"."+name, problems)
	}
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func compatible(local, real reflect.Type) bool {
	if local.Kind() == reflect.Slice && real.Kind() == reflect.Slice {
		l, r := deref(local.Elem()), deref(real.Elem())
		return l.Kind() == r.Kind() || l == r
	}
	return local.Kind() == real.Kind()
}

// jsonFields maps JSON names to fields, flattening inline (embedded or
// ",inline") structs.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if (f.Anonymous && name == "") || strings.Contains(opts, "inline") {
			for k, v := range jsonFields(deref(f.Type)) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// The comparison can fail: a field the real type lacks is reported.
func TestCompareFindsExtraFields(t *testing.T) {
	type spec struct {
		CORS struct {
			AllowOrigin []string `json:"allowOrigin"`
		} `json:"cors"`
	}
	type local struct {
		Spec spec `json:"spec"`
	}
	var problems []string
	compare(reflect.TypeOf(local{}), reflect.TypeOf(egv1a1.SecurityPolicy{}), "", &problems)
	if len(problems) != 1 || !strings.Contains(problems[0], ".spec.cors.allowOrigin") {
		t.Errorf("problems %q, want .spec.cors.allowOrigin reported", problems)
	}
}
