package bench

import (
	"context"
	"strconv"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// BenchmarkCompile is wazero compiling the module: cold (no cache) and from
// a warm compilation cache on disk, as devproxy uses it.
func BenchmarkCompile(b *testing.B) {
	wasm := testwasm.Build(b, testwasm.Plugin)
	ctx := context.Background()
	b.Run("Cold", func(b *testing.B) {
		b.ReportMetric(float64(len(wasm)), "module-bytes")
		for i := 0; i < b.N; i++ {
			rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
			if _, err := rt.CompileModule(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("Cached", func(b *testing.B) {
		dir := b.TempDir()
		warm, err := wasmhost.NewEngine(ctx, wasmhost.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := warm.Compile(ctx, wasm); err != nil {
			b.Fatal(err)
		}
		warm.Close(ctx)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			e, err := wasmhost.NewEngine(ctx, wasmhost.Options{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Compile(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			e.Close(ctx)
		}
	})
}

// BenchmarkInstantiateConfigure is a new VM: instantiate, _initialize,
// root context, vm_start and configure (decode, validate, compile the policy
// set, define counters), for 10, 1,000 and 10,000 origins.
func BenchmarkInstantiateConfigure(b *testing.B) {
	m := module(b, testwasm.Plugin)
	for _, n := range []int{10, 1000, 10000} {
		config := []byte(policytest.ManyOrigins(n))
		b.Run("Origins"+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				vm, err := m.NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: config})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				vm.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkWasmMemoryAfter1MStreams runs one million mixed streams on one VM
// and reports its linear memory (one op is the whole million).
func BenchmarkWasmMemoryAfter1MStreams(b *testing.B) {
	all := cases()
	vm, err := module(b, testwasm.Plugin).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(benchConfig)})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	var mixed []benchCase
	for _, c := range all {
		if c.config == benchConfig && c.name != "AdversarialACRH1MiB" {
			mixed = append(mixed, c)
		}
	}
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1_000_000; j++ {
			stream(b, vm, &mixed[j%len(mixed)])
		}
	}
	b.ReportMetric(float64(vm.MemoryBytes()), "linear-mem-bytes")
	b.ReportMetric(float64(vm.LiveStreams()), "live-streams")
}
