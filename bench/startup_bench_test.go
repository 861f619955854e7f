package bench

import (
	"context"
	"io/fs"
	"path/filepath"
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

// BenchmarkVMMemory reports one VM's linear memory after instantiate,
// _initialize and configure with 10 and 10,000 origins, and the size of the
// module's compiled code as wazero's compilation cache stores it (code is
// shared by the VMs of a process; memory is per VM, and Envoy runs one VM per
// worker thread).
func BenchmarkVMMemory(b *testing.B) {
	dir := b.TempDir()
	ctx := context.Background()
	e, err := wasmhost.NewEngine(ctx, wasmhost.Options{CacheDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(ctx)
	m, err := e.Compile(ctx, testwasm.Build(b, testwasm.Plugin))
	if err != nil {
		b.Fatal(err)
	}
	var code int64
	err = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, err := d.Info()
			if err == nil {
				code += info.Size()
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 10000} {
		config := []byte(policytest.ManyOrigins(n))
		b.Run("Origins"+strconv.Itoa(n), func(b *testing.B) {
			var mem uint32
			for i := 0; i < b.N; i++ {
				vm, err := m.NewVM(ctx, wasmhost.VMConfig{PluginConfig: config})
				if err != nil {
					b.Fatal(err)
				}
				mem = vm.MemoryBytes()
				vm.Close()
			}
			b.ReportMetric(float64(mem), "linear-mem-bytes")
			b.ReportMetric(float64(code), "code-bytes")
		})
	}
}
