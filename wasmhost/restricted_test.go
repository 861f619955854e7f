package wasmhost_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// While proxy_on_memory_allocate runs, Envoy's host lets the guest call only
// proxy_log, fd_write, clock_time_get and (since proxy-wasm-cpp-host 94091cd,
// April 2026) poll_oneoff; anything else traps the VM ("restricted_callback":
// proxy-wasm-cpp-host include/proxy-wasm/wasm.h WasmBase::allocMemory,
// src/v8/v8.cc). The older host's list lacks poll_oneoff.
func TestCallsDuringAllocation(t *testing.T) {
	cases := []struct {
		profile wasmhost.Profile
		call    string
		traps   bool
	}{
		{wasmhost.ProfileCurrent, "proxy_log", false},
		{wasmhost.ProfileCurrent, "fd_write", false},
		{wasmhost.ProfileCurrent, "poll_oneoff", false},
		{wasmhost.ProfileCurrent, "sched_yield", true},
		{wasmhost.ProfileCurrent, "random_get", true},
		{wasmhost.ProfileEnvoy133, "proxy_log", false},
		{wasmhost.ProfileEnvoy133, "poll_oneoff", true},
		{wasmhost.ProfileEnvoy133, "sched_yield", true},
	}
	for _, c := range cases {
		t.Run(c.profile.String()+"/"+c.call, func(t *testing.T) {
			ctx := context.Background()
			e, err := wasmhost.NewEngine(ctx, wasmhost.Options{Profile: c.profile})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close(ctx)
			m, err := e.Compile(ctx, testwasm.Build(t, testwasm.ProbePlugin))
			if err != nil {
				t.Fatal(err)
			}
			vm, err := m.NewVM(ctx, wasmhost.VMConfig{PluginConfig: []byte("{}")})
			if err != nil {
				t.Fatal(err)
			}
			defer vm.Close()
			s := vm.NewStream()
			_, err = s.RequestHeaders([][2]string{{"x-probe-alloc-call", c.call}}, true)
			if trapped := err != nil; trapped != c.traps {
				t.Fatalf("%s during allocation: trapped %v (%v), want %v", c.call, trapped, err, c.traps)
			}
			if c.traps && !strings.Contains(err.Error(), c.call) {
				t.Errorf("trap %q does not name %s", err, c.call)
			}
		})
	}
}
