package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// entry is an access-log entry for a GET with origin ("" for none) whose
// response carried acao ("" for none).
func entry(details, origin, acao string, counters ...string) wasmhost.AccessEntry {
	req := httptest.NewRequest("GET", "/api/items", nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	h := http.Header{}
	if acao != "" {
		h.Set("Access-Control-Allow-Origin", acao)
	}
	return wasmhost.AccessEntry{Request: req, Status: 200, Header: h, Details: details, Counters: counters}
}

func TestOutcomeWords(t *testing.T) {
	const app = "https://app.example.com"
	up := wasmhost.DetailsViaUpstream
	for _, c := range []struct {
		name  string
		entry wasmhost.AccessEntry
		want  string
	}{
		{"no policy covers the request", entry(up, app, "", "cors.no_policy"), "cors_no_policy"},
		{"origin refused", entry(up, app, "", "cors.api.actual_disallowed"), "cors_origin_refused"},
		{"shadow", entry(up, app, "", "cors.api.actual_disallowed", "cors.api.shadow_would_reject"), "cors_shadow_would_reject"},
		{"rejected preflight forwarded", entry(up, app, "", "cors.api.preflight_rejected.method"), "cors_rejected_method_forwarded"},
		{"unknown plugin", entry(up, app, ""), "cors_not_granted"},
		{"local reply keeps its details", entry("cors_rejected_origin", app, "", "cors.api.actual_disallowed"), "cors_rejected_origin"},
		{"allowed", entry(up, app, app, "cors.api.actual_allowed"), "cors_allowed"},
		{"no origin", entry(up, "", "", "cors.api.no_origin"), "no_origin"},
		{"plugin trapped", entry(wasmhost.DetailsPluginFailed, app, ""), "plugin_trap"},
		{"upstream failed", entry(wasmhost.DetailsUpstreamFailed, app, ""), "upstream_error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := outcome(c.entry); got != c.want {
				t.Errorf("outcome = %q, want %q", got, c.want)
			}
		})
	}
}

// Through the plugin: a refused origin and a request no policy covers get
// different words in the access log.
func TestAccessLogTellsRefusedFromUncovered(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	config := `{"policies":[{"name":"api","match":{"path_prefixes":["/api/"]},"allow_origins":["https://app.example.com"]}]}`
	d := startDevproxyOn(t, up.URL, strings.NewReader(config), "-config", "-", "-workers", "1")
	for _, path := range []string{"/api/items", "/other"} {
		req, _ := http.NewRequest("GET", d.base+path, nil)
		req.Header.Set("Origin", "https://evil.test")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	d.stop()
	for _, want := range []string{`GET "/api/items" origin="https://evil.test" status=200 cors=cors_origin_refused`,
		`GET "/other" origin="https://evil.test" status=200 cors=cors_no_policy`} {
		if !strings.Contains(d.stdout.String(), want) {
			t.Errorf("access log lacks %q:\n%s", want, d.stdout.String())
		}
	}
}
