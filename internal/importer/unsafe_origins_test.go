package importer

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Imported origins pass the plugin's own origin-safety rule: a source that
// allows a wildcard over a domain with public suffixes below it, or over one
// of the list's recent suffixes, loses that origin (reported), keeps the
// others, and the result loads.
func TestImportDropsOriginsReachingOtherSites(t *testing.T) {
	const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: shop}
spec:
  rules:
    - matches: [{path: {type: PathPrefix, value: /api}}]
      filters:
        - type: CORS
          cors:
            allowOrigins: ["https://*.amazonaws.com", "https://*.r.appspot.com", "https://*.ngrok-free.app", "https://app.example.com"]
            allowCredentials: true
`
	cfg, rep, err := Import([]Source{{Name: "route.yaml", Data: []byte(route)}})
	if err != nil {
		t.Fatalf("import: %v\n%v", err, rep)
	}
	out := Marshal(cfg)
	if _, err := policy.Load(out); err != nil {
		t.Fatalf("the plugin refuses the import: %v", err)
	}
	for _, c := range []struct{ name, origin, reason string }{
		{"public suffix below", "https://*.amazonaws.com", `"https://evil.s3.amazonaws.com"`},
		{"wildcard rule below", "https://*.r.appspot.com", `"https://evil.x.r.appspot.com"`},
		{"recent public suffix", "https://*.ngrok-free.app", "wildcard over a public suffix"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(string(out), c.origin) {
				t.Errorf("%s imported:\n%s", c.origin, out)
			}
			if !strings.Contains(rep.String(), c.reason) {
				t.Errorf("the report does not say why %s was dropped (%s):\n%v", c.origin, c.reason, rep)
			}
		})
	}
	if !strings.Contains(string(out), `"https://app.example.com"`) {
		t.Errorf("the safe origin was dropped:\n%s", out)
	}
}
