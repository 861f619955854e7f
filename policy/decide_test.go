package policy_test

import (
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// compiled loads every configuration of the shared table once.
func compiled(t testing.TB) map[string]*policy.Set {
	t.Helper()
	sets := map[string]*policy.Set{}
	for name, cfg := range policytest.Configs {
		set, err := policy.Load([]byte(cfg))
		if err != nil {
			t.Fatalf("config %s: %v", name, err)
		}
		sets[name] = set
	}
	return sets
}

func TestDecideCases(t *testing.T) {
	sets := compiled(t)
	for _, c := range policytest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			set := sets[c.Config]
			if set == nil {
				t.Fatalf("unknown config %q", c.Config)
			}
			r := c.Request()
			var d policy.Decision
			set.Decide(r, &d)
			w := c.Want
			if d.Kind != w.Kind || d.Allowed != w.Allowed || d.Reason != w.Reason || d.Name != w.Policy {
				t.Errorf("got kind %v allowed %v reason %q policy %q; want %v %v %q %q", d.Kind, d.Allowed, d.Reason, d.Name, w.Kind, w.Allowed, w.Reason, w.Policy)
			}
			if d.Kind != policy.KindNone && d.Counter != w.Counter {
				t.Errorf("counter %v, want %v", d.Counter, w.Counter)
			}
			status, headers, upstream := policytest.Simulate(&d, c.UpstreamHeaders())
			if status != w.Status || upstream != w.Upstream {
				t.Errorf("status %d upstream %v, want %d %v", status, upstream, w.Status, w.Upstream)
			}
			if got := policytest.Normalize(headers); !slices.Equal(got, w.SortedHeaders()) {
				t.Errorf("headers\n got  %q\n want %q", got, w.SortedHeaders())
			}
			if v := invariantViolation(r, &d, false); v != "" {
				t.Errorf("invariant %s", v)
			}
		})
	}
}

// Invariant 7: a decision depends only on the request and the configuration,
// never on earlier requests through the same Decision.
func TestDecideIndependentOfHistory(t *testing.T) {
	sets := compiled(t)
	for _, c := range policytest.Cases {
		var fresh, reused policy.Decision
		sets[c.Config].Decide(c.Request(), &fresh)
		for _, other := range policytest.Cases {
			sets[c.Config].Decide(other.Request(), &reused)
		}
		sets[c.Config].Decide(c.Request(), &reused)
		if !sameDecision(&fresh, &reused) {
			t.Errorf("%s: decision differs after other requests", c.Name)
		}
	}
}

func sameDecision(a, b *policy.Decision) bool {
	return a.Kind == b.Kind && a.Allowed == b.Allowed && a.Reason == b.Reason && a.Detail == b.Detail &&
		a.Reply == b.Reply && a.Status == b.Status && a.Respond == b.Respond && a.StripUpstream == b.StripUpstream &&
		a.VaryOrigin == b.VaryOrigin && slices.Equal(a.Fields(), b.Fields())
}

// The Decision keeps copies: changing the caller's request memory afterwards
// (a proxy reusing its buffers, CVE-2023-35943) must not change it.
func TestDecisionOwnsEchoedValues(t *testing.T) {
	sets := compiled(t)
	origin := []byte("https://app.example.com")
	acrh := []byte("x-b,x-a")
	r := &policy.Request{Method: "OPTIONS", Authority: "api.example.com", Path: "/", Origin: string(origin), Origins: 1,
		ACRM: "PATCH", HasACRM: true, ACRH: []string{string(acrh)}}
	var d policy.Decision
	sets["creds"].Decide(r, &d)
	before := slices.Clone(d.Fields())
	r.Origin, r.ACRM, r.ACRH[0] = "https://evil.test", "XXXXX", "y-y,y-y"
	if !slices.Equal(before, d.Fields()) {
		t.Fatalf("decision changed with the request: %v -> %v", before, d.Fields())
	}
}

// The per-request path allocates nothing, for every case of the table.
func TestDecideAllocatesNothing(t *testing.T) {
	sets := compiled(t)
	for _, c := range policytest.Cases {
		r := c.Request()
		var d policy.Decision
		set := sets[c.Config]
		if n := testing.AllocsPerRun(50, func() { set.Decide(r, &d) }); n != 0 {
			t.Errorf("%s: %v allocations per decision", c.Name, n)
		}
	}
	var r policy.Request
	lines := policytest.Cases[0].RequestHeaders()
	if n := testing.AllocsPerRun(50, func() {
		r.Reset()
		for _, h := range lines {
			r.AddHeader(h[0], h[1])
		}
	}); n != 0 {
		t.Errorf("Request.AddHeader: %v allocations", n)
	}
}
