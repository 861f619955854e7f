package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// soakStreams is the length of the soak; warm-up streams come first.
const (
	soakStreams  = 1_000_000
	warmupStream = 20_000
)

// One million mixed streams straight through one VM (no HTTP): no trap, no
// leaked context, and linear memory after warm-up does not grow. It runs in
// the older host profile, whose poll_oneoff answers ENOSYS: the one where a
// Go runtime that ever starts its network poller dies (RATIONALE.md).
func TestSoakMillionStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short (make test runs it)")
	}
	vm, err := pluginModuleFor(t, wasmhost.ProfileEnvoy133).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(policytest.Configs["basic"])})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	type step struct{ req, resp [][2]string }
	var steps []step
	for _, c := range policytest.Cases {
		if c.Config == "basic" {
			steps = append(steps, step{c.RequestHeaders(), append([][2]string{{":status", "200"}}, c.UpstreamHeaders()...)})
		}
	}
	run := func(n int) {
		for i := 0; i < n; i++ {
			st := steps[i%len(steps)]
			s := vm.NewStream()
			if _, err := s.RequestHeaders(st.req, true); err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
			if _, replied := s.Local(); !replied {
				if _, err := s.ResponseHeaders(st.resp, false); err != nil {
					t.Fatalf("stream %d: %v", i, err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
		}
	}
	run(warmupStream)
	// Read the guest's malloc count first: runtime.ReadMemStats itself grows
	// memory once, and the figure to compare is what streams do.
	mallocsAfterWarmup := guestMallocs(t, vm)
	memAfterWarmup := vm.MemoryBytes()
	start := time.Now()
	run(soakStreams)
	elapsed := time.Since(start)
	mem := vm.MemoryBytes()
	mallocs := guestMallocs(t, vm)
	t.Logf("%d streams (%d request kinds) in %v (%.0f ns/stream); linear memory %d -> %d bytes; guest mallocs during the soak: %d",
		soakStreams, len(steps), elapsed.Round(time.Millisecond), float64(elapsed.Nanoseconds())/soakStreams, memAfterWarmup, mem, mallocs-mallocsAfterWarmup)
	if mem != memAfterWarmup {
		t.Errorf("linear memory grew from %d to %d bytes after warm-up", memAfterWarmup, mem)
	}
	if vm.LiveStreams() != 0 {
		t.Errorf("%d stream contexts leaked", vm.LiveStreams())
	}
	if vm.Trapped() != nil {
		t.Errorf("trap: %v", vm.Trapped())
	}
}

// guestMallocs is the plugin's count of Go heap allocations (its export
// cors_wasm_mallocs, internal/abi).
func guestMallocs(t *testing.T, vm *wasmhost.VM) uint64 {
	t.Helper()
	n, err := vm.Call("cors_wasm_mallocs")
	if err != nil {
		t.Fatal(err)
	}
	return n
}
