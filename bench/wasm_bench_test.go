package bench

import (
	"context"
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

// benchStreams reports ns per whole stream (context create, both header
// phases, log, done, delete), host calls, wasm calls (guest functions plus
// host functions called) and guest allocations per stream, and linear memory
// at the end.
func benchStreams(b *testing.B, pkg string) {
	for _, c := range cases() {
		b.Run(c.name, func(b *testing.B) {
			vm, err := module(b, pkg).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: pluginConfig(pkg, &c)})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			for i := 0; i < 1000; i++ { // warm-up: buffers reach their steady size
				stream(b, vm, &c)
			}
			calls, mallocs := vm.HostCalls, vm.GuestMallocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stream(b, vm, &c)
			}
			b.StopTimer()
			b.ReportMetric(float64(vm.HostCalls-calls)/float64(b.N), "hostcalls/op")
			if mallocs >= 0 {
				b.ReportMetric(float64(vm.GuestMallocs()-mallocs)/float64(b.N), "guest-allocs/op")
			}
			b.ReportMetric(float64(vm.MemoryBytes()), "linear-mem-bytes")
			// Counted on a separate VM with a function listener, so the
			// listener never slows the timed loop above.
			n, _ := countCalls(b, pkg, testwasm.Build(b, pkg), &c, false)
			b.ReportMetric(n.total(), "wasmcalls/op")
		})
	}
}

func BenchmarkWasmStream(b *testing.B) { benchStreams(b, testwasm.Plugin) }

// The cost floor: the same streams through a plugin whose exports return at
// once (no config, no header reads).
func BenchmarkEmptyPluginStream(b *testing.B) { benchStreams(b, testwasm.EmptyPlugin) }

// The per-case floor: the same streams through internal/floorplugin, which
// makes the filter's host calls for the case with constant data and no logic.
func BenchmarkFloorPluginStream(b *testing.B) { benchStreams(b, testwasm.FloorPlugin) }
