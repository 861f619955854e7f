package main

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// TestExplainOutput pins the whole output of one allowed preflight: the
// response headers are printed exactly as the plugin would send them.
func TestExplainOutput(t *testing.T) {
	cfg := writeTemp(t, "basic.json", policytest.Configs["basic"])
	r := runCorsctl(t, "", "explain", "-config", cfg, "-host", "api.example.com", "-path", "/v1/items",
		"-origin", "https://app.example.com", "-acrm", "PUT", "-acrh", "Content-Type")
	want := `request:
  :method: OPTIONS
  :path: /v1/items
  :authority: api.example.com
  origin: https://app.example.com
  access-control-request-method: PUT
  access-control-request-headers: Content-Type
policy: api (policies[0])
kind: preflight
allowed: yes
counter: wasmcustom.cors.api.preflight_allowed (Prometheus: cors_api_preflight_allowed)
action: reply 200 from the proxy; the upstream is not called
headers:
  access-control-allow-origin: https://app.example.com
  access-control-allow-methods: PUT, DELETE
  access-control-allow-headers: content-type, x-request-id
  access-control-expose-headers: x-request-id
  access-control-max-age: 600
  vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
`
	if r.code != exitOK || r.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
}

func TestExplain(t *testing.T) {
	cfgs := map[string]string{}
	for _, name := range []string{"basic", "strict", "shadow", "routes"} {
		cfgs[name] = writeTemp(t, name+".json", policytest.Configs[name])
	}
	bad := writeTemp(t, "bad.json", badConfig)
	twice := writeTemp(t, "twice.yaml", readString(t, istioFile)+"\n---\n"+readString(t, istioFile))
	const app = "https://app.example.com"
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"rejected preflight", []string{"-config", cfgs["basic"], "-origin", app, "-acrm", "PATCH"}, exitOK,
			[]string{"kind: preflight", "allowed: no", "reason: method", "detail: method: requested method not allowed: \"PATCH\"\n",
				"action: reply 403 from the proxy", "  vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\n"}, nil},
		{"allowed actual request", []string{"-config", cfgs["basic"], "-origin", app}, exitOK,
			[]string{"kind: actual", "allowed: yes", "action: forward to the upstream",
				"  access-control-allow-origin: https://app.example.com\n", "  access-control-expose-headers: x-request-id\n",
				"upstream response: the upstream's access-control-* headers are removed first; Origin is merged into the upstream's Vary"}, nil},
		{"disallowed origin rejected locally", []string{"-config", cfgs["strict"], "-origin", "https://evil.example", "-method", "DELETE"}, exitOK,
			[]string{"kind: actual", "reason: origin", "action: reply 403", "  x-cors-reason: origin: origin not allowed: \"https://evil.example\"\n"}, nil},
		{"no Origin", []string{"-config", cfgs["basic"]}, exitOK,
			[]string{"kind: no_origin", "allowed: yes", "  (none)\n", "Origin is merged into the upstream's Vary"}, nil},
		{"no policy applies", []string{"-config", cfgs["routes"], "-host", "other.example.com", "-origin", app}, exitOK,
			[]string{"policy: none", "counter: wasmcustom.cors.no_policy (Prometheus: cors_no_policy)\n", "action: pass the request and its response untouched"}, nil},
		{"policy chosen by host", []string{"-config", cfgs["routes"], "-host", "admin.example.com", "-origin", "https://admin-ui.example.com"}, exitOK,
			[]string{"policy: admin (policies[1])", "access-control-allow-credentials: true"}, nil},
		{"pseudo-header through -header", []string{"-config", cfgs["routes"], "-header", ":authority: admin.example.com"}, exitOK,
			[]string{"policy: admin (policies[1])"}, nil},
		{"shadow mode", []string{"-config", cfgs["shadow"], "-origin", "https://evil.example"}, exitOK,
			[]string{"mode: shadow (would reject: yes); nothing is changed", "counter: wasmcustom.cors.trial.actual_disallowed (Prometheus: cors_trial_actual_disallowed)"}, nil},
		{"repeated Origin through -header", []string{"-config", cfgs["basic"], "-origin", app, "-header", "Origin: " + app}, exitOK,
			[]string{"detail: origin: several Origin header lines"}, nil},
		{"private network preflight", []string{"-config", cfgs["basic"], "-origin", app, "-acrm", "PUT",
			"-header", "Access-Control-Request-Private-Network: true"}, exitOK,
			[]string{"reason: private_network"}, nil},
		{"control bytes escaped", []string{"-config", cfgs["basic"], "-origin", "https://a\r\nb"}, exitOK,
			[]string{`origin: "https://a\r\nb"`}, nil},
		{"envoy.yaml", []string{"-config", envoyFile, "-origin", "http://localhost:3000", "-acrm", "DELETE"}, exitOK,
			[]string{"policy: demo", "access-control-allow-origin: http://localhost:3000"}, nil},
		{"WasmPlugin", []string{"-config", istioFile, "-path", "/api/x", "-origin", app}, exitOK,
			[]string{"policy: api", "access-control-allow-credentials: true"}, nil},
		{"configuration errors", []string{"-config", bad, "-origin", app}, exitConfig,
			[]string{`policies[0].allow_origins[0]: "*": `, `policies[0].max_age: 100000: `}, nil},
		{"missing -config", []string{"-origin", app}, exitUsage, nil, []string{"-config FILE is required"}},
		{"malformed -header", []string{"-config", cfgs["basic"], "-header", "no colon"}, exitUsage, nil, []string{`want "Name: value"`}},
		{"extra argument", []string{"-config", cfgs["basic"], "GET"}, exitUsage, nil, []string{`unexpected argument "GET"`}},
		{"unknown flag", []string{"-config", cfgs["basic"], "-verbose"}, exitUsage, nil, []string{"-verbose"}},
		{"missing file", []string{"-config", "/nonexistent.json"}, exitUsage, nil, []string{"no such file"}},
		{"two configurations", []string{"-config", twice}, exitUsage, nil, []string{"holds 2 cors-wasm configurations"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expect(t, runCorsctl(t, "", append([]string{"explain"}, c.args...)...), c.code, c.stdout, c.stderr)
		})
	}
}

func TestExplainReadsStdin(t *testing.T) {
	r := runCorsctl(t, policytest.Configs["any"], "explain", "-config", "-", "-origin", "https://x.example")
	expect(t, r, exitOK, []string{"  access-control-allow-origin: *\n"}, nil)
	if strings.Contains(r.stdout, "vary") {
		t.Errorf("a wildcard grant does not depend on Origin, so no Vary:\n%s", r.stdout)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := readInput(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
