package bench

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// benchProfile is the host the benchmarks run on: current Envoy releases,
// whose poll_oneoff works. On older hosts (ProfileEnvoy133) the plugin may not
// yield to the garbage collector (RATIONALE.md), so a collection that a large
// configuration started stays open under the streams; TestCallBudget measures
// that case apart.
const benchProfile = wasmhost.ProfileCurrent

var (
	engOnce sync.Once
	eng     *wasmhost.Engine
)

func engine(b testing.TB) *wasmhost.Engine {
	engOnce.Do(func() {
		var err error
		eng, err = wasmhost.NewEngine(context.Background(), wasmhost.Options{Profile: benchProfile})
		if err != nil {
			panic(err)
		}
	})
	return eng
}

var modules sync.Map // package path -> *wasmhost.Module

func module(b testing.TB, pkg string) *wasmhost.Module {
	if m, ok := modules.Load(pkg); ok {
		return m.(*wasmhost.Module)
	}
	m, err := engine(b).Compile(context.Background(), testwasm.Build(b, pkg))
	if err != nil {
		b.Fatal(err)
	}
	modules.Store(pkg, m)
	return m
}

// stream runs one whole stream the way Envoy drives it.
func stream(b testing.TB, vm *wasmhost.VM, c *benchCase) {
	s := vm.NewStream()
	if _, err := s.RequestHeaders(c.req, true); err != nil {
		b.Fatal(err)
	}
	if _, replied := s.Local(); !replied {
		if _, err := s.ResponseHeaders(c.upstream, false); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// benchStream reports, for one case through the plugin built from pkg, ns per
// whole stream (context create, both header phases, delete), host calls, wasm
// calls (guest functions plus host functions called) and guest allocations per
// stream, and linear memory at the end.
func benchStream(b *testing.B, pkg string, c benchCase) {
	vm, err := module(b, pkg).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: pluginConfig(pkg, &c)})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	for i := 0; i < 1000; i++ { // warm-up: buffers reach their steady size
		stream(b, vm, &c)
	}
	// cors_wasm_mallocs is the plugin's own export (internal/abi); the floor
	// and empty plugins have none.
	calls := vm.HostCalls
	mallocs, mallocsErr := vm.Call("cors_wasm_mallocs")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stream(b, vm, &c)
	}
	b.StopTimer()
	b.ReportMetric(float64(vm.HostCalls-calls)/float64(b.N), "hostcalls/op")
	if after, err := vm.Call("cors_wasm_mallocs"); mallocsErr == nil && err == nil {
		b.ReportMetric(float64(after-mallocs)/float64(b.N), "guest-allocs/op")
	}
	b.ReportMetric(float64(vm.MemoryBytes()), "linear-mem-bytes")
	// Counted on a separate VM with a function listener, so the listener
	// never slows the timed loop above.
	n, _ := countCalls(b, pkg, testwasm.Build(b, pkg), &c, false)
	b.ReportMetric(n.total(), "wasmcalls/op")
}

// BenchmarkStream runs every case through cors-wasm, its floor plugin (the
// filter's host calls for the case with constant data and no logic) and the
// empty plugin, one after the other, so that the load of a shared machine
// falls on the three alike. BENCH_ROUNDS=n repeats the whole rotation n
// times (go test's -count would repeat each plugin's run back to back
// instead); the names of later rounds end in #01, #02, ... as go test makes
// them. internal/benchreport reads Stream/<case>/<plugin>.
func BenchmarkStream(b *testing.B) {
	plugins := []struct{ name, pkg string }{{"cors", testwasm.Plugin}, {"floor", testwasm.FloorPlugin}, {"empty", testwasm.EmptyPlugin}}
	rounds, err := strconv.Atoi(os.Getenv("BENCH_ROUNDS"))
	if err != nil || rounds < 1 {
		rounds = 1
	}
	for range rounds {
		for _, c := range cases() {
			for _, p := range plugins {
				b.Run(c.name+"/"+p.name, func(b *testing.B) { benchStream(b, p.pkg, c) })
			}
		}
	}
}
