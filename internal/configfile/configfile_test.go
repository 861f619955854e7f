package configfile

import (
	"strings"
	"testing"
)

// envoyWith is a bootstrap whose listener has the given HTTP filters
// (YAML list items indented for http_filters).
func envoyWith(filters string) string {
	return `static_resources:
  listeners:
    - filter_chains:
        - filters:
            - name: hcm
              typed_config:
                "@type": ` + typeHCM + `
                http_filters:
` + filters
}

func wasmFilter(name, confType, value string) string {
	return `                  - name: envoy.filters.http.wasm
                    typed_config:
                      "@type": ` + typeWasm + `
                      config:
                        name: ` + name + `
                        configuration:
                          "@type": ` + confType + `
                          value: ` + value + "\n"
}

const wasmPlugin = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors, namespace: demo}\n"

const extensionPolicy = `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyExtensionPolicy
metadata: {name: cors, namespace: demo}
spec:
  wasm:
    - name: cors-wasm
`

const filterPath = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters"

func TestFind(t *testing.T) {
	cases := []struct {
		name  string
		input string
		kind  Kind
		want  []Config // JSON compared as strings; Problem by fragment
	}{
		{"plain configuration", `{"policies":[]}`, KindConfig, []Config{{JSON: []byte(`{"policies":[]}`)}}},
		{"broken JSON stays whole for policy.Load", `{"policies": [`, KindConfig, []Config{{JSON: []byte(`{"policies": [`)}}},
		{"StringValue", envoyWith(wasmFilter("cors", typeStringValue, `'{"policies":[1]}'`)), KindEnvoy,
			[]Config{{Where: filterPath + "[0].typed_config.config.configuration.value", JSON: []byte(`{"policies":[1]}`)}}},
		{"Struct", envoyWith(wasmFilter("x", typeStruct, `{policies: [2]}`)), KindEnvoy,
			[]Config{{Where: filterPath + "[0].typed_config.config.configuration.value", JSON: []byte(`{"policies":[2]}`)}}},
		{"BytesValue", envoyWith(wasmFilter("cors", typeBytesValue, "eyJwb2xpY2llcyI6W119")), KindEnvoy,
			[]Config{{Where: filterPath + "[0].typed_config.config.configuration.value", JSON: []byte(`{"policies":[]}`)}}},
		{"unsupported type", envoyWith(wasmFilter("cors", "type.googleapis.com/google.protobuf.Int32Value", "1")), KindEnvoy,
			[]Config{{Where: filterPath + "[0].typed_config.config.configuration", Problem: "unsupported configuration"}}},
		{"no configuration", envoyWith("                  - name: envoy.filters.http.wasm\n                    typed_config:\n                      \"@type\": " + typeWasm + "\n                      config: {name: cors}\n"), KindEnvoy,
			[]Config{{Where: filterPath + "[0].typed_config.config", Problem: "no configuration"}}},
		{"other plugins skipped", envoyWith(wasmFilter("waf", typeStringValue, `'{"rules":[]}'`) +
			wasmFilter("cors", typeStringValue, `'{}'`)), KindEnvoy,
			[]Config{{Where: filterPath + "[1].typed_config.config.configuration.value", JSON: []byte(`{}`)}}},
		{"no plugin", envoyWith("                  - name: router\n"), KindEnvoy, nil},
		{"WasmPlugin after other documents", "---\napiVersion: v1\nkind: Namespace\n---\n" + wasmPlugin + "spec:\n  pluginConfig:\n    policies: [{max_age: 600.0, allow_credentials: yes}]\n", KindKubernetes,
			[]Config{{Where: "WasmPlugin demo/cors: spec.pluginConfig", JSON: []byte(`{"policies":[{"allow_credentials":true,"max_age":600}]}`)}}},
		{"WasmPlugin without pluginConfig", wasmPlugin, KindKubernetes,
			[]Config{{Where: "WasmPlugin demo/cors: spec", Problem: "no spec.pluginConfig"}}},
		{"WasmPlugin with an empty pluginConfig", wasmPlugin + "spec: {pluginConfig: {}}\n", KindKubernetes,
			[]Config{{Where: "WasmPlugin demo/cors: spec.pluginConfig", Problem: "empty"}}},
		{"another WasmPlugin", "apiVersion: x/v1\nkind: WasmPlugin\nmetadata: {name: waf}\nspec: {pluginConfig: {rules: []}}\n", KindKubernetes, nil},
		{"EnvoyExtensionPolicy", extensionPolicy + "      config:\n        policies: [{max_age: 600.0}]\n", KindKubernetes,
			[]Config{{Where: "EnvoyExtensionPolicy demo/cors: spec.wasm[0].config", JSON: []byte(`{"policies":[{"max_age":600}]}`)}}},
		{"EnvoyExtensionPolicy without config", extensionPolicy, KindKubernetes,
			[]Config{{Where: "EnvoyExtensionPolicy demo/cors: spec.wasm[0]", Problem: "no config"}}},
		{"other Kubernetes objects", "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n", KindKubernetes, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, got, err := Find([]byte(c.input))
			if err != nil {
				t.Fatal(err)
			}
			if kind != c.kind || len(got) != len(c.want) {
				t.Fatalf("got %v %+v, want %v %+v", kind, got, c.kind, c.want)
			}
			for i, w := range c.want {
				g := got[i]
				if g.Where != w.Where || string(g.JSON) != string(w.JSON) ||
					(w.Problem == "") != (g.Problem == "") || !strings.Contains(g.Problem, w.Problem) {
					t.Errorf("config %d: got {%q %q %q}, want {%q %q %q}", i, g.Where, g.JSON, g.Problem, w.Where, w.JSON, w.Problem)
				}
			}
		})
	}
}

func TestFindRefusesUnreadableText(t *testing.T) {
	_, _, err := Find([]byte("a: [1\nb: }"))
	if err == nil || !strings.Contains(err.Error(), "neither JSON nor YAML") {
		t.Errorf("got %v, want a YAML error", err)
	}
}

func TestSplitDocuments(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"a: 1", 1},
		{"---\na: 1\n", 1},
		{"a: 1\n---\nb: 2\n", 2},
		{"a: 1\n--- # next\nb: 2\n---\n", 2},
		{"", 1},
		{`{"k": "---"}`, 1},
	}
	for _, c := range cases {
		if got := len(splitDocuments([]byte(c.in))); got != c.want {
			t.Errorf("%q: %d documents, want %d", c.in, got, c.want)
		}
	}
}
