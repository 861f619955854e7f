package configfile

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Files whose settings are looked up by line; each line that a case expects
// is marked with a comment or says what it is.
const (
	plainJSON = `{
  "policies": [
    {
      "name": "api",
      "allow_origins": ["https://a.example", "https://b.example"],
      "max_age": 600000,
      "x.y": 1
    }
  ]
}
`
	envoyLiteral = `static_resources:
  listeners:
    - filter_chains:
        - filters:
            - name: hcm
              typed_config:
                "@type": ` + typeHCM + `
                http_filters:
                  - name: envoy.filters.http.wasm
                    typed_config:
                      "@type": ` + typeWasm + `
                      config:
                        name: cors-wasm
                        configuration:
                          "@type": ` + typeStringValue + `
                          value: |
                            {
                              "policies": [
                                {
                                  "name": "demo",
                                  "max_age": 600000
                                }
                              ]
                            }
`
	envoyOneLine = `static_resources:
  listeners:
    - filter_chains:
        - filters:
            - name: hcm
              typed_config:
                "@type": ` + typeHCM + `
                http_filters:
                  - name: envoy.filters.http.wasm
                    typed_config:
                      "@type": ` + typeWasm + `
                      config:
                        name: cors-wasm
                        configuration:
                          "@type": ` + typeStringValue + `
                          value: '{"policies": [{"max_age": 600000}]}'
`
	istioTwoDocs = `apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: cors, namespace: demo}
spec:
  pluginConfig:
    policies:
      - name: api
        allow_origins:
          - https://a.example
          - https://B.example
        max_age: 600000
`
	extensionPolicyFile = `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyExtensionPolicy
metadata: {name: cors, namespace: demo}
spec:
  wasm:
    - name: cors-wasm
      config:
        policies:
          - name: api
            allow_headers: [content-type, "x y"]
`
)

func TestLineOf(t *testing.T) {
	cases := []struct {
		name, file   string
		path, reason string
		want         int
	}{
		{"JSON: a key", plainJSON, "policies[0].max_age", "", 6},
		{"JSON: a list element", plainJSON, "policies[0].allow_origins[1]", "", 5},
		{"JSON: a policy", plainJSON, "policies[0]", "", 3},
		{"JSON: an odd key", plainJSON, `policies[0]["x.y"]`, "", 7},
		{"JSON: the root", plainJSON, "(root)", "", 1},
		{"JSON: a missing key is its parent's", plainJSON, "policies[0].allow_methods", "", 3},
		{"JSON: a syntax error's byte", "{\n\"policies\": [\n,]}", "policies", "invalid JSON at line 3, column 1 (byte 16): x", 3},
		{"Envoy literal block: a key", envoyLiteral, "policies[0].max_age", "", 21},
		{"Envoy literal block: the root", envoyLiteral, "(root)", "", 17},
		{"Envoy literal block: a syntax error's byte", envoyLiteral, "(root)", "invalid JSON (byte 20)", 19},
		{"Envoy one-line string", envoyOneLine, "policies[0].max_age", "", 16},
		{"Istio: second document, an element", istioTwoDocs, "policies[0].allow_origins[1]", "", 14},
		{"Istio: a key", istioTwoDocs, "policies[0].max_age", "", 15},
		{"Istio: a missing key is its parent's", istioTwoDocs, "policies[0].allow_methods", "", 11},
		{"Istio: the configuration", istioTwoDocs, "(root)", "", 9},
		{"Envoy Gateway: an element of a flow list", extensionPolicyFile, "policies[0].allow_headers[1]", "", 10},
		{"Envoy Gateway: a policy", extensionPolicyFile, "policies[0]", "", 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, configs, err := Find([]byte(c.file))
			if err != nil || len(configs) != 1 {
				t.Fatalf("Find: %d configurations, %v", len(configs), err)
			}
			if got := configs[0].LineOf(c.path, c.reason); got != c.want {
				t.Errorf("LineOf(%q) = %d, want %d", c.path, got, c.want)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct {
		in   string
		want []segment
	}{
		{"(root)", nil},
		{"policies", []segment{{key: "policies"}}},
		{"policies[2].match.hosts[0]", []segment{{key: "policies"}, {index: 2, isIndex: true}, {key: "match"}, {key: "hosts"}, {isIndex: true}}},
		{`["x.y"]`, []segment{{key: "x.y"}}},
		{`policies[0]["a\"b"].c`, []segment{{key: "policies"}, {isIndex: true}, {key: `a"b`}, {key: "c"}}},
		{"policies[x]", []segment{{key: "policies"}}},
	}
	for _, c := range cases {
		if got := parsePath(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("parsePath(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// The line of each error policy.Load reports, found from the error's
// location fields (and, for syntax, its byte offset), never from its text.
func TestLineOfError(t *testing.T) {
	cases := []struct {
		name, file string
		want       map[string]int // error path -> line
	}{
		{"JSON", plainJSON, map[string]int{
			`policies[0]["x.y"]`: 7, "policies[0].max_age": 6}},
		{"JSON: a syntax error's byte", "{\n\"policies\": [\n,]}", map[string]int{"policies[0]": 3}},
		{"Envoy literal block", envoyLiteral, map[string]int{"policies[0].max_age": 21, "policies[0]": 19}},
		{"Envoy literal block: a syntax error's byte", strings.Replace(envoyLiteral, `"max_age": 600000`, `"max_age": 600000,`, 1), map[string]int{"policies[0]": 22}},
		{"Istio", istioTwoDocs, map[string]int{"policies[0].allow_origins[1]": 14, "policies[0].max_age": 15}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, configs, err := Find([]byte(c.file))
			if err != nil || len(configs) != 1 {
				t.Fatalf("Find: %d configurations, %v", len(configs), err)
			}
			_, err = policy.Load(configs[0].JSON)
			var errs policy.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load: %v, want configuration errors", err)
			}
			seen := map[string]bool{}
			for _, e := range errs {
				want, ok := c.want[e.Path()]
				if !ok {
					continue
				}
				seen[e.Path()] = true
				if got := configs[0].LineOfError(e); got != want {
					t.Errorf("LineOfError(%s) = %d, want %d (%v)", e.Path(), got, want, e)
				}
			}
			for p := range c.want {
				if !seen[p] {
					t.Errorf("no error at %s; got %v", p, err)
				}
			}
		})
	}
}
