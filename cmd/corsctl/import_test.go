package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

const testdata = "../../internal/importer/testdata/"

func TestImportCommand(t *testing.T) {
	outFile := filepath.Join(t.TempDir(), "cors.json")
	cases := []struct {
		name       string
		args       []string
		code       int
		wantConfig bool     // a configuration the plugin accepts on stdout
		stderr     []string // substrings of the report / errors
	}{
		{"lossless import", []string{"import", testdata + "gatewayapi-conformance.yaml"}, exitOK, true,
			[]string{"changed: allow_credentials not set", "0 dropped, 1 ignored"}},
		{"several files", []string{"import", testdata + "envoy-bootstrap.yaml", testdata + "gatewayapi-conformance.yaml"}, exitOK, true,
			[]string{"envoy-bootstrap.yaml:21: Envoy RouteConfiguration main: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].typed_per_filter_config.envoy.filters.http.cors.allow_origin_string_match[0]: mapped",
				"gatewayapi-conformance.yaml:27: HTTPRoute gateway-conformance-infra/cors-multiple-origins-methods-headers: spec.rules[0].filters[0].cors.allowOrigins[0]: mapped"}},
		{"lossy import refused", []string{"import", testdata + "istio.yaml"}, exitConfig, false,
			[]string{"dropped: prefix \"https://partner.\"", "not written: settings were dropped"}},
		{"lossy import allowed", []string{"import", "-allow-lossy", testdata + "istio.yaml"}, exitOK, true, []string{"3 dropped"}},
		{"bad input", []string{"import", "-"}, exitConfig, false, []string{`-:1: (unnamed): kind "Secret" (v1) is not one corsctl import reads`}},
		{"no files", []string{"import"}, exitUsage, false, []string{"import: no input files"}},
		{"unknown flag", []string{"import", "-x", "a.yaml"}, exitUsage, false, []string{"flag provided but not defined: -x", "usage: corsctl import"}},
		{"output file", []string{"import", "-o", outFile, testdata + "envoy-bootstrap.yaml"}, exitOK, false, []string{"summary:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCorsctl(t, "apiVersion: v1\nkind: Secret\n", c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, c.code, r.stderr)
			}
			if c.wantConfig {
				if _, err := policy.Load([]byte(r.stdout)); err != nil {
					t.Errorf("stdout is not a configuration the plugin accepts: %v\n%s", err, r.stdout)
				}
			} else if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			for _, w := range c.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	data, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Load(data); err != nil {
		t.Errorf("-o wrote a configuration the plugin refuses: %v", err)
	}
}

// The three-line import of docs/corsctl.md runs as written: its import line
// imports without losses, and the result passes check.
func TestDocImportRuns(t *testing.T) {
	page, err := os.ReadFile(corsctlPage)
	if err != nil {
		t.Fatal(err)
	}
	text := string(page)
	i := strings.Index(text, "build/corsctl import ")
	if i < 0 {
		t.Fatal("docs/corsctl.md shows no corsctl import")
	}
	line := text[i:]
	line = line[:strings.IndexByte(line, '\n')]
	args, out, ok := strings.Cut(strings.TrimPrefix(line, "build/corsctl "), " > ")
	if !ok {
		t.Fatalf("docs/corsctl.md import line %q does not redirect to a file", line)
	}
	fields := strings.Fields(args)
	for j, f := range fields[1:] {
		fields[j+1] = "../../" + f
	}
	r := runCorsctl(t, "", fields...)
	if r.code != exitOK {
		t.Fatalf("%s: exit %d\n%s", line, r.code, r.stderr)
	}
	file := writeTemp(t, out, r.stdout)
	if c := runCorsctl(t, "", "check", file); c.code != exitOK {
		t.Errorf("check of the imported file: exit %d\n%s", c.code, c.stdout+c.stderr)
	}
	if !strings.Contains(text, "build/corsctl check "+out) {
		t.Errorf("docs/corsctl.md does not check %s after importing it", out)
	}
}
