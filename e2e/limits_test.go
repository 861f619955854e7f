package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// Every documented configuration limit through build/cors.wasm: the
// plugin starts with a configuration at the limit and refuses one past it,
// saying why. (The request limits run through the .wasm with the shared
// request table, TestPolicyCasesOverHTTP.)
func TestConfigLimitsThroughWasm(t *testing.T) {
	mod := pluginModule(t)
	for _, c := range policytest.LimitConfigs {
		t.Run(c.Name, func(t *testing.T) {
			pool, err := mod.NewPool(context.Background(), 1, wasmhost.VMConfig{PluginConfig: []byte(c.AtLimit)})
			if err != nil {
				t.Fatalf("at the limit: %.300v", err)
			}
			pool.Close()
			_, err = mod.NewPool(context.Background(), 1, wasmhost.VMConfig{PluginConfig: []byte(c.PastLimit)})
			var ce *wasmhost.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.WantRefuse) {
				t.Fatalf("one past the limit: error %.300v, want a configuration error with %q", err, c.WantRefuse)
			}
		})
	}
}
