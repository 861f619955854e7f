package filter

import (
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// The no-Origin fast path (stream.decideNoOrigin) answers every request
// without Origin with one decision made at configure time. That is right only
// if, when no policy routes by host or path, such a decision cannot depend on
// the request: checked here for every table configuration against requests
// that differ in everything but Origin.
func TestNoOriginDecisionIgnoresTheRequest(t *testing.T) {
	requests := []policy.Request{
		{},
		{Method: "GET", Authority: "api.example.com", Path: "/v1/items?x=1"},
		{Method: "OPTIONS", Authority: "other.example.org:8443", Path: "/", ACRM: "PUT", HasACRM: true},
		{Method: "POST", Authority: "[::1]:80", Path: "/api/", ACRH: []string{"x-a"}, ACRPN: "true", HasACRPN: true},
	}
	fast := 0
	for name, config := range policytest.Configs {
		set, err := policy.Load([]byte(config))
		if err != nil || set.NeedsRoute() {
			continue
		}
		fast++
		var want policy.Decision
		set.Decide(&requests[0], &want)
		if want.Kind != policy.KindNoOrigin {
			t.Errorf("%s: no-Origin decision is %v without routes", name, want.Kind)
		}
		for i := range requests {
			var got policy.Decision
			set.Decide(&requests[i], &got)
			if got.Kind != want.Kind || got.Policy != want.Policy || got.Counter != want.Counter ||
				got.Respond != want.Respond || got.VaryOrigin != want.VaryOrigin || got.StripUpstream != want.StripUpstream ||
				got.Reply != want.Reply || got.Shadow != want.Shadow || got.WouldReject != want.WouldReject ||
				!slices.Equal(got.Fields(), want.Fields()) {
				t.Errorf("%s: request %d decided %+v, fast path has %+v", name, i, got.Fields(), want.Fields())
			}
		}
	}
	if fast == 0 {
		t.Fatal("no table configuration takes the fast path")
	}
}
