package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

const badConfig = `{"policies":[{"name":"api",
	"allow_origins":["*"],"allow_credentials":true,"max_age":100000}]}`

// envoyWhere is where envoy.yaml holds the plugin configuration.
const envoyWhere = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.config.configuration.value: "

// lineOf is the "FILE:N: " prefix of the first line of file holding text.
func lineOf(t *testing.T, file, text string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), text)
	if i < 0 {
		t.Fatalf("%s lacks %q", file, text)
	}
	return file + ":" + strconv.Itoa(1+strings.Count(string(b[:i]), "\n")) + ": "
}

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
		{"good file", []string{"check", good}, "", exitOK, []string{good + ": ok: 2 policies"}, nil},
		{"good stdin", []string{"check", "-"}, policytest.Configs["basic"], exitOK, []string{"stdin: ok: 1 policy"}, nil},
		{"every error with its path and line", []string{"check", bad}, "", exitConfig, []string{
			bad + ":2: policies[0].allow_origins[0]: \"*\": cannot allow",
			"(Gateway API and Envoy permit it and reflect the Origin; cors-wasm refuses it, CVE-2018-20744)",
			bad + ":2: policies[0].max_age: 100000: must be between",
		}, nil},
		{"broken JSON at its line", []string{"check", "-"}, "{\"policies\": [\n}", exitConfig, []string{"stdin:2: policies[0]: invalid JSON"}, nil},
		{"neither JSON nor YAML", []string{"check", "-"}, "policies: [\n  - a\n b: c", exitConfig, []string{"neither JSON nor YAML"}, nil},
		{"envoy.yaml", []string{"check", envoyFile}, "", exitOK, []string{envoyFile + ":", envoyWhere + "ok: 1 policy"}, nil},
		{"WasmPlugin", []string{"check", istioFile}, "", exitOK,
			[]string{lineOf(t, istioFile, "pluginConfig:") + "WasmPlugin demo/cors: spec.pluginConfig: ok: 1 policy"}, nil},
		{"EnvoyExtensionPolicy", []string{"check", egFile}, "", exitOK,
			[]string{lineOf(t, egFile, "config:") + "EnvoyExtensionPolicy demo/cors: spec.wasm[0].config: ok: 1 policy"}, nil},
		{"envoy.yaml with a bad configuration, at the setting's line",
			[]string{"check", edited(t, envoyFile, `"max_age": 600`, `"max_age": 600000`)}, "", exitConfig,
			[]string{lineOf(t, envoyFile, `"max_age": 600`)[len(envoyFile):] + `policies[0].max_age: 600000: `}, nil},
		{"WasmPlugin with a bad configuration, at the setting's line",
			[]string{"check", edited(t, istioFile, "https://app.example.com\n", "https://*.com\n")}, "", exitConfig,
			[]string{lineOf(t, istioFile, "- https://app.example.com\n")[len(istioFile):] + `policies[0].allow_origins[0]: "https://*.com": `}, nil},
		{"EnvoyExtensionPolicy with a bad configuration, at the setting's line",
			[]string{"check", edited(t, egFile, "max_age: 600", "max_age: 600000")}, "", exitConfig,
			[]string{lineOf(t, egFile, "max_age: 600")[len(egFile):] + `policies[0].max_age: 600000: `}, nil},
		{"WasmPlugin without pluginConfig",
			[]string{"check", edited(t, istioFile, "  pluginConfig:\n", "  notPluginConfig:\n")}, "", exitConfig,
			[]string{"WasmPlugin demo/cors: spec: no spec.pluginConfig"}, nil},
		{"Envoy bootstrap without the plugin",
			[]string{"check", edited(t, envoyFile, "name: cors-wasm", "name: other")}, "", exitOK,
			[]string{"ok: 1 policy"}, nil}, // still found by its "policies" key
		{"Envoy bootstrap with another Wasm plugin only",
			[]string{"check", writeTemp(t, "other.yaml", otherPluginEnvoy)}, "", exitConfig,
			[]string{"no cors-wasm configuration in this Envoy bootstrap"}, nil},
		{"docker-compose.yaml names the file to check", []string{"check", composeFile}, "", exitConfig,
			[]string{"no cors-wasm configuration in this Docker Compose file", "check ./envoy.yaml"}, nil},
		{"Kubernetes manifests without the plugin", []string{"check", "../../deploy/istio/sidecar/demo.yaml"}, "", exitConfig,
			[]string{"no cors-wasm configuration in this Kubernetes manifest"}, nil},
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
		if !strings.HasPrefix(l, "stdin:2: policies[0].") {
			t.Errorf("line without its JSON path: %q", l)
		}
	}
}
