package importer_test

import (
	"os"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/importer"

	"github.com/cors-wasm/cors-wasm/internal/importer/refeval"
	"github.com/cors-wasm/cors-wasm/policy"
)

// Manifests where an import that does not follow the source's own route
// selection grants an origin the source does not grant on that host and
// path. For each, the reference evaluators confirm what the source does
// (in at least one of the worlds its files allow, for what it denies),
// and the imported configuration, decided by policy/, must agree: never
// grant what the source denies, and still grant what it grants.
func TestImportNeverWidens(t *testing.T) {
	app, partner := "https://app.example.com", "https://partner.example.org"
	get := func(host, path, origin string) refeval.Request {
		return refeval.Request{Host: host, Path: path, Origin: origin, Method: "GET"}
	}
	creds := func(r refeval.Request) refeval.Request { r.Credentials = true; return r }
	cases := []struct {
		file        string
		deny, allow []refeval.Request
	}{
		{"gatewayapi-route-without-cors.yaml",
			[]refeval.Request{creds(get("admin.example.com", "/", app)), get("admin.example.com", "/x", app)},
			[]refeval.Request{creds(get("www.example.com", "/", app))}},
		{"gatewayapi-wildcard-hostname.yaml",
			[]refeval.Request{get("bank.example.com", "/", partner)},
			[]refeval.Request{get("bank.example.com", "/", app), get("shop.example.com", "/", partner), get("www.example.net", "/", partner)}},
		{"gatewayapi-prefix-rank.yaml",
			[]refeval.Request{get("api.example.com", "/public/admin/users", "https://public.example.org")},
			[]refeval.Request{get("api.example.com", "/public/index", "https://public.example.org"),
				creds(get("api.example.com", "/public/admin/users", "https://admin.example.com"))}},
		{"envoy-vhost-order.yaml",
			[]refeval.Request{get("bank.example.com", "/", partner)},
			[]refeval.Request{get("shop.example.com", "/", partner)}},
		{"envoy-route-inherits.yaml",
			[]refeval.Request{get("api.example.com", "/a/x", "https://other.example.org")},
			[]refeval.Request{get("api.example.com", "/a/x", app), get("api.example.com", "/b", "https://other.example.org")}},
		{"envoy-filter-disabled.yaml",
			[]refeval.Request{creds(get("api.example.com", "/internal", app)), get("api.example.com", "/internal/x", app)},
			[]refeval.Request{creds(get("api.example.com", "/public", app))}},
		{"istio-route-without-cors.yaml",
			[]refeval.Request{get("api.example.com", "/admin", app), get("api.example.com", "/admin/users", app)},
			[]refeval.Request{get("api.example.com", "/shop", app)}},
		{"istio-delegate.yaml",
			[]refeval.Request{creds(get("b.example.com", "/api/v1/x", app)), get("a.example.com", "/other", app),
				get("c.example.com", "/api/v1/x", app)},
			[]refeval.Request{creds(get("a.example.com", "/api/v1/x", app))}},
		{"istio-exact-path.yaml",
			[]refeval.Request{get("api.example.com", "/exports/secret", "https://export.example.org")},
			[]refeval.Request{get("api.example.com", "/export", "https://export.example.org"), get("api.example.com", "/exports/secret", app)}},
		{"istio-star-credentials.yaml",
			[]refeval.Request{{Host: "api.example.com", Path: "/", Origin: app, Method: "DELETE", Credentials: true},
				{Host: "api.example.com", Path: "/", Origin: app, Method: "GET", Headers: []string{"x-custom"}, Credentials: true}},
			[]refeval.Request{creds(get("api.example.com", "/", app))}},
		{"istio-exact-star-origin.yaml",
			[]refeval.Request{creds(get("api.example.com", "/export", app))},
			[]refeval.Request{get("api.example.com", "/export", app), creds(get("api.example.com", "/other", app))}},
		{"istio-lossy-whole-policy.yaml",
			[]refeval.Request{creds(get("api.example.com", "/partner", app)), get("api.example.com", "/partner/x", app)},
			[]refeval.Request{creds(get("api.example.com", "/other", app))}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			name := "testdata/widen/" + c.file
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := refeval.Parse(string(data))
			if err != nil {
				t.Fatal(err)
			}
			cfg, rep, err := importer.Import([]importer.Source{{Name: name, Data: data}})
			if err != nil {
				t.Fatalf("import: %v\n%v", err, rep)
			}
			set, err := policy.Load(importer.Marshal(cfg))
			if err != nil {
				t.Fatalf("the plugin refuses the import: %v", err)
			}
			imported := refeval.CorsWasm(set)
			for _, r := range c.deny {
				denied := false
				for _, w := range refeval.Worlds(m) {
					denied = denied || !refeval.Browser(r, w).Allowed
				}
				if !denied {
					t.Fatalf("the source grants %+v in every world: the case is wrong", r)
				}
				if refeval.Browser(r, imported).Allowed {
					t.Errorf("the import grants %+v, which the source does not\n%s\n%v", r, importer.Marshal(cfg), rep)
				}
			}
			for _, r := range c.allow {
				if !refeval.Browser(r, refeval.Worlds(m)[0]).Allowed {
					t.Fatalf("the source does not grant %+v: the case is wrong", r)
				}
				if !refeval.Browser(r, imported).Allowed {
					t.Errorf("the import does not grant %+v, which the source grants\n%s\n%v", r, importer.Marshal(cfg), rep)
				}
			}
		})
	}
}
