package deploy_test

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Envoy Gateway manifests. The Gateway and HTTPRoute decode strictly into
// Gateway API's own types here; every document, the Envoy Gateway kinds
// included, decodes strictly into Envoy Gateway's own types in
// deploy/envoy-gateway/apicheck, a separate module (RATIONALE.md: its
// dependency weight stays out of this go.mod).
const (
	egGatewayFile    = "envoy-gateway/oci/gateway.yaml"
	egRouteFile      = "envoy-gateway/oci/httproute.yaml"
	egExtensionFile  = "envoy-gateway/oci/extensionpolicy.yaml"
	egExtensionHTTP  = "envoy-gateway/http/extensionpolicy.yaml"
	egImage          = "registry.example.com/cors-wasm:v0.1.0"
	egWasmFilter     = "envoy.filters.http.wasm"
	egFirstAuthnName = "envoy.filters.http.ext_authz"
)

// egDefaultOrder is Envoy Gateway's default HTTP filter order (EnvoyProxy
// spec.filterOrder documentation, v1.9), up to the filters that matter here.
var egDefaultOrder = []string{
	"envoy.filters.http.custom_response", "envoy.filters.http.health_check", "envoy.filters.http.fault",
	"envoy.filters.http.cors", "envoy.filters.http.header_mutation", "envoy.filters.http.ext_authz",
	"envoy.filters.http.api_key_auth", "envoy.filters.http.basic_auth", "envoy.filters.http.oauth2",
	"envoy.filters.http.jwt_authn", "envoy.filters.http.stateful_session", "envoy.filters.http.buffer",
	"envoy.filters.http.lua", "envoy.filters.http.ext_proc", "envoy.filters.http.wasm",
	"envoy.filters.http.dynamic_modules", "envoy.filters.http.geoip", "envoy.filters.http.rbac",
	"envoy.filters.http.local_ratelimit", "envoy.filters.http.ratelimit", "envoy.filters.http.router",
}

// The filters that would refuse a preflight, which carries no credentials.
var egAuthFilters = []string{"envoy.filters.http.ext_authz", "envoy.filters.http.api_key_auth",
	"envoy.filters.http.basic_auth", "envoy.filters.http.oauth2", "envoy.filters.http.jwt_authn", "envoy.filters.http.rbac"}

// yamlDocs splits a multi-document YAML file and converts each to JSON.
func yamlDocs(data []byte) ([][]byte, error) {
	var out [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(d, "")) == "" {
			continue
		}
		j, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// egObject is what these checks read of an Envoy Gateway object; unknown
// fields are allowed here and refused by apicheck against the real types.
type egObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name, Namespace string
	} `json:"metadata"`
	Spec struct {
		FilterOrder []struct {
			Name, Before, After string
		} `json:"filterOrder"`
		TargetRefs []struct {
			Group, Kind, Name string
		} `json:"targetRefs"`
		Wasm []struct {
			Name   string          `json:"name"`
			RootID string          `json:"rootID"`
			Config json.RawMessage `json:"config"`
			// FailOpen is a pointer: it must be written, not defaulted.
			FailOpen *bool `json:"failOpen"`
			Code     struct {
				Type  string `json:"type"`
				Image *struct {
					URL string `json:"url"`
				} `json:"image"`
				HTTP *struct {
					URL    string `json:"url"`
					SHA256 string `json:"sha256"`
				} `json:"http"`
			} `json:"code"`
		} `json:"wasm"`
	} `json:"spec"`
}

// egManifests holds every document of the four files, by kind.
type egManifests struct {
	gateways   []gwv1.Gateway
	routes     []gwv1.HTTPRoute
	proxies    []egObject
	extensions map[string][]egObject // by file
}

// egProblems decodes the files (path -> content) and returns everything wrong
// with them as a deployment of cors-wasm on Envoy Gateway.
func egProblems(files map[string][]byte) []string {
	var ps problems
	m := egManifests{extensions: map[string][]egObject{}}
	for name, data := range files {
		docs, err := yamlDocs(data)
		if err != nil {
			ps.add("%s: yaml: %v", name, err)
			continue
		}
		for _, d := range docs {
			var h egObject
			if err := json.Unmarshal(d, &h); err != nil {
				ps.add("%s: %v", name, err)
				continue
			}
			switch h.Kind {
			case "Gateway":
				var g gwv1.Gateway
				if err := strictJSON(d, &g); err != nil {
					ps.add("%s: Gateway: %v", name, err)
				}
				m.gateways = append(m.gateways, g)
			case "HTTPRoute":
				var r gwv1.HTTPRoute
				if err := strictJSON(d, &r); err != nil {
					ps.add("%s: HTTPRoute: %v", name, err)
				}
				m.routes = append(m.routes, r)
			case "EnvoyProxy":
				m.proxies = append(m.proxies, h)
			case "EnvoyExtensionPolicy":
				m.extensions[name] = append(m.extensions[name], h)
			case "Namespace", "Deployment", "Service":
				// unit_test.go checks them with the rest of the unit.
			default:
				ps.add("%s: unexpected kind %q", name, h.Kind)
			}
		}
	}
	checkGatewayUsesProxy(&ps, m)
	for _, p := range m.proxies {
		checkFilterOrder(&ps, p)
	}
	for name, exts := range m.extensions {
		for _, e := range exts {
			checkExtension(&ps, name, e, m.routes)
		}
	}
	return ps
}

func checkGatewayUsesProxy(ps *problems, m egManifests) {
	if len(m.gateways) != 1 || len(m.proxies) != 1 {
		ps.add("want one Gateway and one EnvoyProxy, got %d and %d", len(m.gateways), len(m.proxies))
		return
	}
	g, p := m.gateways[0], m.proxies[0]
	ref := g.Spec.Infrastructure
	if ref == nil || ref.ParametersRef == nil || ref.ParametersRef.Kind != "EnvoyProxy" || ref.ParametersRef.Name != p.Metadata.Name ||
		string(ref.ParametersRef.Group) != "gateway.envoyproxy.io" || g.Namespace != p.Metadata.Namespace {
		ps.add("Gateway %s: spec.infrastructure.parametersRef must name the EnvoyProxy %s/%s that moves the Wasm filter", g.Name, p.Metadata.Namespace, p.Metadata.Name)
	}
}

// checkFilterOrder applies the EnvoyProxy's filterOrder to Envoy Gateway's
// default order and requires the Wasm filter before every auth filter.
func checkFilterOrder(ps *problems, p egObject) {
	order := slices.Clone(egDefaultOrder)
	for _, f := range p.Spec.FilterOrder {
		i := slices.Index(order, f.Name)
		if i < 0 || (f.Before == "") == (f.After == "") {
			ps.add("EnvoyProxy filterOrder entry %+v: unknown filter, or not exactly one of before/after", f)
			continue
		}
		order = slices.Delete(order, i, i+1)
		target := f.Before + f.After
		j := slices.Index(order, target)
		if j < 0 {
			ps.add("EnvoyProxy filterOrder entry %+v: unknown target filter", f)
			continue
		}
		if f.After != "" {
			j++
		}
		order = slices.Insert(order, j, f.Name)
	}
	w := slices.Index(order, egWasmFilter)
	for _, a := range egAuthFilters {
		if slices.Index(order, a) < w {
			ps.add("EnvoyProxy %s: %s runs before the Wasm filter and would refuse preflights", p.Metadata.Name, a)
		}
	}
}

func checkExtension(ps *problems, file string, e egObject, routes []gwv1.HTTPRoute) {
	if len(e.Spec.TargetRefs) == 0 {
		ps.add("%s: no targetRefs", file)
	}
	for _, t := range e.Spec.TargetRefs {
		found := slices.ContainsFunc(routes, func(r gwv1.HTTPRoute) bool {
			return t.Kind == "HTTPRoute" && r.Name == t.Name && r.Namespace == e.Metadata.Namespace
		})
		if !found || t.Group != "gateway.networking.k8s.io" {
			ps.add("%s: targetRef %+v names no HTTPRoute of %s", file, t, egRouteFile)
		}
	}
	if len(e.Spec.Wasm) != 1 {
		ps.add("%s: want one wasm entry, got %d", file, len(e.Spec.Wasm))
		return
	}
	w := e.Spec.Wasm[0]
	if w.FailOpen == nil || *w.FailOpen {
		ps.add("%s: failOpen must be written out as false: a failed plugin must not let requests through unchecked", file)
	}
	if w.RootID != "cors-wasm" {
		ps.add("%s: rootID %q, want cors-wasm", file, w.RootID)
	}
	if _, err := policy.Load(w.Config); err != nil {
		ps.add("%s: config: %v", file, err)
	}
	switch w.Code.Type {
	case "Image":
		if w.Code.Image == nil || w.Code.Image.URL != egImage {
			ps.add("%s: code.image.url must be the image `make push` uploads (%s)", file, egImage)
		}
	case "HTTP":
		if w.Code.HTTP == nil || !strings.HasPrefix(w.Code.HTTP.URL, "https://") ||
			!regexp.MustCompile(`^[a-f0-9]{64}$`).MatchString(w.Code.HTTP.SHA256) {
			ps.add("%s: code.http needs an https url and a sha256 (64 lowercase hex digits)", file)
		}
	default:
		ps.add("%s: code.type %q", file, w.Code.Type)
	}
}

// egFiles is the unit that holds file.
func egFiles(t *testing.T, file string) map[string][]byte {
	return readUnit(t, path.Dir(file))
}

func TestEnvoyGatewayManifests(t *testing.T) {
	for _, dir := range []string{path.Dir(egExtensionFile), path.Dir(egExtensionHTTP)} {
		t.Run(dir, func(t *testing.T) {
			for _, p := range egProblems(readUnit(t, dir)) {
				t.Error(p)
			}
		})
	}
}

func TestEnvoyGatewayChecksCatchMistakes(t *testing.T) {
	for file, muts := range map[string][]mutation{
		egGatewayFile: {
			{"Wasm after the auth filters", "before: envoy.filters.http.ext_authz", "before: envoy.filters.http.rbac", "ext_authz runs before"},
			{"no EnvoyProxy reference", "name: cors-first\n  listeners", "name: other\n  listeners", "parametersRef"},
			{"unknown Gateway field", "gatewayClassName:", "className:", "unknown field"},
		},
		egExtensionFile: {
			{"fail open", "failOpen: false", "failOpen: true", "failOpen"},
			{"implicit failOpen", "failOpen: false", "", "failOpen"},
			{"wrong route", "name: demo-api", "name: other-api", "targetRef"},
			{"bad plugin configuration", "max_age: 600", "max_age: 600000", "policies[0].max_age"},
			{"other image", "url: " + egImage, "url: registry.example.com/other:v1", "code.image.url"},
		},
		egExtensionHTTP: {
			{"no sha256", `sha256: "0000`, `sha: "0000`, "sha256"},
		},
	} {
		runMutations(t, readFile(t, file), muts, func(bad []byte) []string {
			files := egFiles(t, file)
			files[file] = bad
			return egProblems(files)
		})
	}
}
