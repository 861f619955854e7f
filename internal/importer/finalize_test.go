package importer

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// A value the plugin refuses is dropped from the policy the error locates
// (its Policy, Field and Elem), not from another one: every other origin of
// every policy is kept.
func TestImportDropsRefusedValueWhereLocated(t *testing.T) {
	cases := []struct {
		name, origins1, origins2 string
		dropped                  string
		kept                     []string
	}{
		{"second policy, second origin",
			`["https://a.example.com", "https://b.example.com"]`, `["https://c.example.com", "https://*.amazonaws.com"]`,
			"https://*.amazonaws.com", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"}},
		{"first policy, first origin",
			`["https://*.amazonaws.com", "https://a.example.com"]`, `["https://b.example.com", "https://c.example.com"]`,
			"https://*.amazonaws.com", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			route := `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: shop}
spec:
  rules:
    - matches: [{path: {type: PathPrefix, value: /one}}]
      filters:
        - type: CORS
          cors: {allowOrigins: ` + c.origins1 + `}
    - matches: [{path: {type: PathPrefix, value: /two}}]
      filters:
        - type: CORS
          cors: {allowOrigins: ` + c.origins2 + `}
`
			cfg, rep, err := Import([]Source{{Name: "route.yaml", Data: []byte(route)}})
			if err != nil {
				t.Fatalf("import: %v\n%v", err, rep)
			}
			out := Marshal(cfg)
			if _, err := policy.Load(out); err != nil {
				t.Fatalf("the plugin refuses the import: %v", err)
			}
			if strings.Contains(string(out), c.dropped) {
				t.Errorf("%s imported:\n%s", c.dropped, out)
			}
			for _, o := range c.kept {
				if !strings.Contains(string(out), `"`+o+`"`) {
					t.Errorf("%s was dropped:\n%s\n%v", o, out, rep)
				}
			}
			if !strings.Contains(rep.String(), c.dropped) {
				t.Errorf("the report does not name %s:\n%v", c.dropped, rep)
			}
		})
	}
}
