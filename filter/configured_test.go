package filter_test

import (
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// The info line after configure counts policies in English (it used to say
// "configured 1 policies").
func TestFilterLogsPolicyCount(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{policytest.Configs["basic"], "cors-wasm: configured 1 policy"},
		{policytest.Configs["routes"], "cors-wasm: configured 2 policies"},
	} {
		t.Run(c.want, func(t *testing.T) { // one emulator at a time: start's cleanup releases it
			host, _ := start(t, c.config)
			if logs := host.GetInfoLogs(); !slices.Contains(logs, c.want) {
				t.Errorf("info logs %q, want %q", logs, c.want)
			}
		})
	}
}
