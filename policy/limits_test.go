package policy_test

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Every documented configuration limit, at the limit and one past it (issue
// 11): raising or lowering a limit by one fails this test.
func TestConfigLimits(t *testing.T) {
	for _, c := range policytest.LimitConfigs {
		t.Run(c.Name, func(t *testing.T) {
			if _, err := policy.Load([]byte(c.AtLimit)); err != nil {
				t.Errorf("at the limit: refused: %.300v", err)
			}
			_, err := policy.Load([]byte(c.PastLimit))
			if err == nil || !strings.Contains(err.Error(), c.WantRefuse) {
				t.Errorf("one past the limit: error %.300v, want %q", err, c.WantRefuse)
			}
		})
	}
}
