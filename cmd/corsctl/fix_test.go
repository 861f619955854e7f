package main

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Every refusal explain shows that one edit of the configuration would lift
// names that edit, with the line of the field to change; the edit is checked
// (the edited configuration loads and allows the request), so none is
// offered that check would refuse.
func TestExplainNamesTheFix(t *testing.T) {
	basic := writeTemp(t, "basic.json", policytest.Configs["basic"])
	const app = "https://app.example.com"
	at := func(file, text string) string { return strings.TrimSuffix(lineOf(t, file, text), ": ") }
	cases := []struct {
		name string
		args []string
		want string // the fix line
	}{
		{"header", []string{"-config", basic, "-origin", app, "-acrm", "PUT", "-acrh", "content-type,x-foo,X-Bar"},
			"fix: add x-foo, x-bar to policies[0].allow_headers (" + at(basic, `"allow_headers"`) + ")\n"},
		{"method", []string{"-config", basic, "-origin", app, "-acrm", "PATCH"},
			"fix: add PATCH to policies[0].allow_methods (" + at(basic, `"allow_methods"`) + ")\n"},
		{"origin", []string{"-config", basic, "-origin", "https://other.example"},
			"fix: add https://other.example to policies[0].allow_origins (" + at(basic, `"allow_origins"`) + ")\n"},
		{"private network", []string{"-config", basic, "-origin", app, "-acrm", "PUT", "-header", "Access-Control-Request-Private-Network: true"},
			"fix: set policies[0].allow_private_network to true (" + at(basic, `"name"`) + ")\n"},
		{"at the line in envoy.yaml", []string{"-config", envoyFile, "-origin", "http://localhost:3000", "-acrm", "PUT", "-acrh", "x-foo"},
			"fix: add x-foo to policies[0].allow_headers (" + at(envoyFile, `"allow_headers"`) + ")\n"},
		{"at the line in a WasmPlugin", []string{"-config", istioFile, "-path", "/api/x", "-origin", app, "-acrm", "PUT", "-acrh", "x-foo"},
			"fix: add x-foo to policies[0].allow_headers (" + at(istioFile, "allow_headers:") + ")\n"},
		{"a forbidden header has none", []string{"-config", basic, "-origin", app, "-acrm", "PUT", "-acrh", "cookie"},
			`fix: none: the configuration with this edit (add cookie to policies[0].allow_headers) is refused: policies[0].allow_headers[2]: "cookie": forbidden request header`},
		{"null has none", []string{"-config", basic, "-origin", "null"},
			`fix: none: the configuration with this edit (add null to policies[0].allow_origins) is refused`},
		{"a forbidden method has none", []string{"-config", basic, "-origin", app, "-acrm", "TRACE"},
			"fix: none: the requested method cannot be allowed (method: requested method is forbidden)\n"},
		{"a limit has none", []string{"-config", basic, "-origin", "https://" + strings.Repeat("a", 1100) + ".example"},
			"fix: none: the request is over a limit no configuration raises"},
		{"a fix that is not enough is none", []string{"-config", basic, "-origin", app, "-acrm", "PUT", "-acrh", strings.Repeat("a,", 70) + "b"},
			"fix: none: even after the edit (add a, b to policies[0].allow_headers) the request is refused: limits"},
		{"a repeated Origin has none", []string{"-config", basic, "-origin", app, "-header", "Origin: " + app},
			"fix: none: the request itself is malformed (origin: several Origin header lines)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCorsctl(t, "", append([]string{"explain"}, c.args...)...)
			if r.code != exitOK || !strings.Contains(r.stdout, c.want) {
				t.Errorf("exit %d, stdout lacks %q:\n%s%s", r.code, c.want, r.stdout, r.stderr)
			}
		})
	}
	// An allowed request gets no fix line.
	r := runCorsctl(t, "", "explain", "-config", basic, "-origin", app)
	if strings.Contains(r.stdout, "fix:") {
		t.Errorf("allowed request with a fix line:\n%s", r.stdout)
	}
}

// check names the corrected spelling of an allowed origin a browser would
// never send as written, and checks it: no fix is named for what has none.
func TestCheckNamesCorrectedOrigins(t *testing.T) {
	cfg := `{"policies":[{"name":"a","allow_origins":[
"https://App.example.com/",
"https://a.example.com:443",
"http://b.example.com:80/",
"HTTPS://C.example.com",
"https://x.example.com/path",
"https://*.com/"]}]}`
	r := runCorsctl(t, cfg, "check", "-")
	for _, want := range []string{
		`stdin:2: policies[0].allow_origins[0]: "https://App.example.com/": has a trailing slash: browsers send origins without one (fix: write "https://app.example.com")`,
		`stdin:3: policies[0].allow_origins[1]: "https://a.example.com:443": default port: browsers omit it, so this origin would never match; leave the port out (fix: write "https://a.example.com")`,
		`stdin:4: policies[0].allow_origins[2]: "http://b.example.com:80/": has a trailing slash: browsers send origins without one (fix: write "http://b.example.com")`,
		`(fix: write "https://c.example.com")`,
	} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if (strings.Contains(l, "/path") || strings.Contains(l, "*.com")) && strings.Contains(l, "fix:") {
			t.Errorf("a fix named for an origin that has none (a path; a wildcard over a public suffix stays refused once corrected): %s", l)
		}
	}
}

func TestCanonicalOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://App.Example.com/":  "https://app.example.com",
		"HTTP://x.example:80":       "http://x.example",
		"https://x.example:8443/":   "https://x.example:8443",
		"http://x.example:443":      "http://x.example:443",
		"https://x.example/a":       "",
		"https://u@x.example":       "",
		"x.example":                 "",
		"https://":                  "",
		"https://[::1]:443/":        "https://[::1]",
		"https://x.example?q":       "",
		"https://*.Example.com:443": "https://*.example.com",
	} {
		if got := canonicalOrigin(in); got != want {
			t.Errorf("canonicalOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
