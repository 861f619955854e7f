package refeval

import (
	"encoding/json"
	"errors"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/encoding/protojson"
	networking "istio.io/api/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/cors-wasm/cors-wasm/internal/importer"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3" // per-route CorsPolicy in Any
)

// Manifests are the resources of one input, by kind, in input order.
type Manifests struct {
	HTTPRoutes       []*gwv1.HTTPRoute
	SecurityPolicies []*importer.SecurityPolicy
	VirtualServices  []*VirtualService
	Routes           []*routev3.RouteConfiguration
}

// VirtualService is a VirtualService's metadata and spec.
type VirtualService struct {
	Meta metav1.ObjectMeta
	Spec *networking.VirtualService
}

// Parse reads a YAML stream (documents separated by "---" lines) or one
// JSON document. Kinds it does not evaluate are skipped.
func Parse(text string) (*Manifests, error) {
	m := &Manifests{}
	for _, doc := range splitDocuments(text) {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return nil, err
		}
		var h struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Metadata   metav1.ObjectMeta `json:"metadata"`
			Spec       json.RawMessage   `json:"spec"`
		}
		if err := json.Unmarshal(j, &h); err != nil {
			return nil, err
		}
		switch {
		case h.Kind == "HTTPRoute":
			var r gwv1.HTTPRoute
			if err := json.Unmarshal(j, &r); err != nil {
				return nil, err
			}
			m.HTTPRoutes = append(m.HTTPRoutes, &r)
		case h.Kind == "SecurityPolicy":
			var sp importer.SecurityPolicy
			if err := json.Unmarshal(j, &sp); err != nil {
				return nil, err
			}
			m.SecurityPolicies = append(m.SecurityPolicies, &sp)
		case h.Kind == "VirtualService":
			var vs networking.VirtualService
			if err := protojson.Unmarshal(h.Spec, &vs); err != nil {
				return nil, err
			}
			m.VirtualServices = append(m.VirtualServices, &VirtualService{Meta: h.Metadata, Spec: &vs})
		case h.Kind == "" && strings.Contains(string(j), "virtual_hosts"):
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(j, &raw); err != nil {
				return nil, err
			}
			delete(raw, "@type")
			b, _ := json.Marshal(raw)
			var rc routev3.RouteConfiguration
			if err := protojson.Unmarshal(b, &rc); err != nil {
				return nil, err
			}
			m.Routes = append(m.Routes, &rc)
		case h.Kind == "":
			return nil, errors.New("not a resource the evaluators read")
		}
	}
	return m, nil
}

func splitDocuments(text string) []string {
	var docs []string
	var cur []string
	flush := func() {
		if d := strings.Join(cur, "\n"); strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, d)
		}
		cur = nil
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimRight(l, "\r") == "---" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return docs
}

func stripComments(d string) string {
	var out []string
	for _, l := range strings.Split(d, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
