package policy_test

import (
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Gateway API's CORS contract (HTTPCORSFilter docs and conformance test),
// decided natively.
func TestDecideGatewayAPIContract(t *testing.T) {
	set, err := policy.Load([]byte(policytest.GatewayAPIConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range policytest.GatewayAPICases {
		t.Run(c.Name, func(t *testing.T) {
			var d policy.Decision
			r := c.Case().Request()
			set.Decide(r, &d)
			status, headers, upstream := policytest.Simulate(&d, c.Case().UpstreamHeaders())
			if upstream != c.Upstream {
				t.Errorf("upstream called %v, want %v", upstream, c.Upstream)
			}
			for _, p := range c.Problems(status, headers) {
				t.Error(p)
			}
			if v := invariantViolation(r, &d, false); v != "" {
				t.Errorf("invariant %s", v)
			}
		})
	}
}
