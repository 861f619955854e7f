package e2e

import (
	"strings"
	"testing"
)

// Chromium accepts the answers Gateway API asks for: "*" in allow_methods and
// allow_headers answered by echoing the request's values (with credentials,
// where a literal "*" would fail, and without), ACEH on the preflight, and
// the default preflight status 200.
func TestBrowserAcceptsEchoedWildcards(t *testing.T) {
	ctx := browser(t)
	page := pageServer(t)
	config := `{"policies":[
		{"name":"cred","match":{"path_prefixes":["/cred/"]},"allow_origins":["` + page.URL + `"],
		 "allow_methods":["*"],"allow_headers":["*"],"expose_headers":["x-request-id"],"allow_credentials":true},
		{"name":"open","match":{"path_prefixes":["/open/"]},"allow_origins":["*"],
		 "allow_methods":["*"],"allow_headers":["*"],"expose_headers":["x-request-id"]}]}`
	p := newProxy(t, config)
	p.up.answer([][2]string{{"content-type", "text/plain"}, {"x-request-id", "r-7"}})

	cases := []struct{ name, path, init string }{
		{"credentialed PATCH with custom headers", "/cred/items", `{method: "PATCH", credentials: "include", headers: {"X-Trace": "1", "X-Tenant": "a"}}`},
		{"credentialed custom method", "/cred/items", `{method: "PURGE", credentials: "include"}`},
		{"uncredentialed PUT with a custom header", "/open/items", `{method: "PUT", headers: {"X-Trace": "1"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			policyName := strings.Trim(c.path[:strings.Index(c.path[1:], "/")+1], "/")
			preflights := counter(p, policyName, "preflight_allowed")
			res := fetchFrom(t, ctx, page.URL, p.URL+c.path, c.init)
			if !res.OK || res.Status != 200 || res.RequestID != "r-7" {
				t.Fatalf("browser result %+v, want allowed with x-request-id exposed", res)
			}
			if got := counter(p, policyName, "preflight_allowed") - preflights; got != 1 {
				t.Errorf("the proxy granted %d preflights, want 1", got)
			}
		})
	}
	// Authorization is never covered by "*": the browser must block it.
	res := fetchFrom(t, ctx, page.URL, p.URL+"/open/items", `{headers: {"Authorization": "Bearer x"}}`)
	if res.OK {
		t.Errorf("a request with Authorization passed a \"*\" allow_headers: %+v", res)
	}
}
