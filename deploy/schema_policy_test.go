package deploy_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// basePolicy is the policy the schema's claims are tried on, one key at a time.
func basePolicy() map[string]any {
	return map[string]any{"name": "p", "allow_origins": []any{"https://app.example.com"}, "allow_methods": []any{"PUT"}}
}

func loadPolicy(t *testing.T, p map[string]any, extra map[string]any) (*policy.Set, error) {
	t.Helper()
	cfg := map[string]any{"policies": []any{p}}
	for k, v := range extra {
		cfg[k] = v
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return policy.Load(b)
}

func with(key string, v any) map[string]any {
	p := basePolicy()
	p[key] = v
	return p
}

// TestSchemaClaimsHoldInPolicy tries what the schema says of each policy key
// against policy.Load: enum values load and others do not, minimum and
// maximum are the real bounds, minItems 1 lists refuse [], and writing a
// default out changes no decision.
func TestSchemaClaimsHoldInPolicy(t *testing.T) {
	root := loadSchema(t)
	defs := root["$defs"].(schemaNode)
	for key, v := range defs["policy"].(schemaNode)["properties"].(schemaNode) {
		p := resolve(t, root, v.(schemaNode))
		t.Run(key, func(t *testing.T) {
			if enum, ok := p["enum"].([]any); ok {
				for _, e := range enum {
					mustLoad(t, with(key, e), nil)
				}
				mustRefuse(t, with(key, "bogus"), nil, "policies[0]."+key)
			}
			if lo, ok := p["minimum"].(float64); ok {
				mustLoad(t, with(key, lo), nil)
				mustRefuse(t, with(key, lo-1), nil, "policies[0]."+key)
			}
			if hi, ok := p["maximum"].(float64); ok {
				mustLoad(t, with(key, hi), nil)
				mustRefuse(t, with(key, hi+1), nil, "policies[0]."+key)
			}
			if m, _ := p["minItems"].(float64); m == 1 {
				mustRefuse(t, with(key, []any{}), nil, "policies[0]."+key)
			}
			if def, ok := p["default"]; ok {
				if _, inBase := basePolicy()[key]; !inBase {
					sameDecisions(t, with(key, def), nil)
				}
			}
		})
	}
	for key, v := range defs["match"].(schemaNode)["properties"].(schemaNode) {
		if m, _ := v.(schemaNode)["minItems"].(float64); m == 1 {
			mustRefuse(t, with("match", map[string]any{key: []any{}}), nil, "policies[0].match."+key)
		}
	}
	debug := property(t, root, "", "debug_headers")
	sameDecisions(t, basePolicy(), map[string]any{"debug_headers": debug["default"]})
}

func mustLoad(t *testing.T, p, extra map[string]any) {
	t.Helper()
	if _, err := loadPolicy(t, p, extra); err != nil {
		t.Errorf("%v refused: %v", p, err)
	}
}

func mustRefuse(t *testing.T, p, extra map[string]any, path string) {
	t.Helper()
	_, err := loadPolicy(t, p, extra)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("%v: want an error at %s, got %v", p, path, err)
	}
}

// sameDecisions requires p (+extra) to decide like the base policy.
func sameDecisions(t *testing.T, p, extra map[string]any) {
	t.Helper()
	want, err := loadPolicy(t, basePolicy(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadPolicy(t, p, extra)
	if err != nil {
		t.Fatalf("%v refused: %v", p, err)
	}
	for _, r := range sampleRequests {
		if a, b := decide(want, r), decide(got, r); !reflect.DeepEqual(a, b) {
			t.Errorf("request %v: policy %v (config extras %v) decides\n\t%s\nwithout the default written out:\n\t%s", r, p, extra, b, a)
		}
	}
}

var sampleRequests = [][][2]string{
	{{":method", "OPTIONS"}, {"origin", "https://app.example.com"}, {"access-control-request-method", "PUT"}},
	{{":method", "OPTIONS"}, {"origin", "https://app.example.com"}, {"access-control-request-method", "PATCH"}, {"access-control-request-headers", "x-a"}},
	{{":method", "OPTIONS"}, {"origin", "https://evil.example"}, {"access-control-request-method", "PUT"}},
	{{":method", "GET"}, {"origin", "https://app.example.com"}},
	{{":method", "GET"}, {"origin", "https://evil.example"}},
	{{":method", "GET"}},
}

// decide renders the observable parts of a decision.
func decide(s *policy.Set, headers [][2]string) string {
	var r policy.Request
	r.Reset()
	r.AddHeader(":authority", "api.example.com")
	r.AddHeader(":path", "/")
	for _, h := range headers {
		r.AddHeader(h[0], h[1])
	}
	var d policy.Decision
	s.Decide(&r, &d)
	return fmt.Sprintf("%v %v %v reply=%v %d respond=%v strip=%v vary=%v %v",
		d.Kind, d.Allowed, d.Reason, d.Reply, d.Status, d.Respond, d.StripUpstream, d.VaryOrigin, d.Fields())
}
