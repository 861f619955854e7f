package main

import (
	"bytes"
	"strings"
	"testing"
)

// A plugin configuration written in YAML gets a hint, with the same
// configuration as JSON, instead of "invalid JSON at byte 0"; other YAML is
// said to hold no configuration.
func TestCheckYAMLConfigHint(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"yaml", "policies:\n  - name: api\n    allow_origins: [\"https://app.example.com\"]\n",
			`stdin:1: (root): this is YAML, but a plugin configuration file is JSON (Envoy hands the configuration string to the plugin as is; only Istio's WasmPlugin pluginConfig and Envoy Gateway's EnvoyExtensionPolicy wasm config are written in YAML and converted); convert it. As JSON it reads: {"policies":[{"allow_origins":["https://app.example.com"],"name":"api"}]}`},
		{"other yaml", "services: {}\nx: 1\n", "stdin: no cors-wasm configuration in this Docker Compose file"},
		{"yaml without policies", "a: 1\n", "stdin:1: (root): this YAML file holds no cors-wasm configuration"},
		{"json is not yaml", `{"policies":[]}`, "policies: at least one policy is required"},
		{"broken json is not called yaml", `{"policies": [}`, "invalid JSON at line 1, column 15"},
		{"a bare word is not a configuration in YAML", "policies", "invalid JSON at line 1, column 1 (byte 0): character 'p', expected a value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"check", "-"}, strings.NewReader(c.in), &stdout, &stderr)
			if code != exitConfig || !strings.Contains(stdout.String(), c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout.String(), stderr.String(), exitConfig, c.want)
			}
		})
	}
}
