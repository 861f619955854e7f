package main

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

const badConfig = `{"policies":[{"name":"api",
	"allow_origins":["*"],"allow_credentials":true,"max_age":100000}]}`

// envoyWhere is where envoy.yaml holds the plugin configuration.
const envoyWhere = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.config.configuration.value: "

// otherPluginEnvoy is a bootstrap whose only Wasm filter is some other plugin.
const otherPluginEnvoy = `static_resources:
  listeners:
    - filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                http_filters:
                  - name: envoy.filters.http.wasm
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                      config:
                        name: waf
                        vm_config: { code: { local: { filename: /etc/envoy/waf.wasm } } }
                        configuration:
                          "@type": type.googleapis.com/google.protobuf.StringValue
                          value: '{"rules": []}'
`

func TestCheck(t *testing.T) {
	good := writeTemp(t, "good.json", policytest.Configs["routes"])
	bad := writeTemp(t, "bad.json", badConfig)
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr []string
	}{
		{"good file", []string{"check", good}, "", exitOK, []string{"ok: 2 policies"}, nil},
		{"good stdin", []string{"check", "-"}, policytest.Configs["basic"], exitOK, []string{"ok: 1 policy"}, nil},
		{"every error with its path", []string{"check", bad}, "", exitConfig, []string{
			"policies[0].allow_origins[0]: \"*\": cannot allow",
			"(Gateway API and Envoy permit it and reflect the Origin; cors-wasm refuses it, CVE-2018-20744)",
			"policies[0].max_age: 100000: must be between",
		}, nil},
		{"broken JSON", []string{"check", "-"}, `{"policies": [`, exitConfig, []string{"invalid JSON"}, nil},
		{"neither JSON nor YAML", []string{"check", "-"}, "policies: [\n  - a\n b: c", exitConfig, []string{"neither JSON nor YAML"}, nil},
		{"envoy.yaml", []string{"check", envoyFile}, "", exitOK, []string{envoyWhere + "ok: 1 policy"}, nil},
		{"WasmPlugin", []string{"check", istioFile}, "", exitOK, []string{"spec.pluginConfig: ok: 1 policy"}, nil},
		{"envoy.yaml with a bad configuration",
			[]string{"check", edited(t, envoyFile, `"max_age": 600`, `"max_age": 600000`)}, "", exitConfig,
			[]string{envoyWhere + `policies[0].max_age: 600000: `}, nil},
		{"WasmPlugin with a bad configuration",
			[]string{"check", edited(t, istioFile, "https://app.example.com\n", "https://*.com\n")}, "", exitConfig,
			[]string{`spec.pluginConfig: policies[0].allow_origins[0]: "https://*.com": `}, nil},
		{"WasmPlugin without pluginConfig",
			[]string{"check", edited(t, istioFile, "  pluginConfig:\n", "  notPluginConfig:\n")}, "", exitConfig,
			[]string{"spec.pluginConfig: missing"}, nil},
		{"Envoy bootstrap without the plugin",
			[]string{"check", edited(t, envoyFile, "name: cors-wasm", "name: other")}, "", exitOK,
			[]string{"ok: 1 policy"}, nil}, // still found by its "policies" key
		{"Envoy bootstrap with another Wasm plugin only",
			[]string{"check", writeTemp(t, "other.yaml", otherPluginEnvoy)}, "", exitConfig,
			[]string{"no cors-wasm configuration in this Envoy bootstrap"}, nil},
		{"no file", []string{"check"}, "", exitUsage, nil, []string{"one FILE"}},
		{"two files", []string{"check", good, bad}, "", exitUsage, nil, []string{"one FILE"}},
		{"missing file", []string{"check", "/nonexistent/cors.json"}, "", exitUsage, nil, []string{"no such file"}},
		{"unknown flag", []string{"check", "-strict", good}, "", exitUsage, nil, []string{"-strict"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCorsctl(t, c.stdin, c.args...)
			expect(t, r, c.code, c.stdout, c.stderr)
			if c.code == exitConfig && strings.Contains(r.stdout, "ok:") {
				t.Errorf("refused input reported ok:\n%s", r.stdout)
			}
		})
	}
}

// TestCheckPrintsOneLinePerError: the lines are exactly policy.Load's errors.
func TestCheckPrintsOneLinePerError(t *testing.T) {
	r := runCorsctl(t, badConfig, "check", "-")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Errorf("want 2 lines, one per error; got:\n%s", r.stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "policies[0].") {
			t.Errorf("line without its JSON path: %q", l)
		}
	}
}
