package wasmhost

import (
	"context"
	"errors"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Profile selects which release of Envoy's host (proxy-wasm-cpp-host) the
// engine copies: its WASI poll_oneoff and its lists of calls allowed while
// _initialize and proxy_on_memory_allocate run (restricted.go).
type Profile int

const (
	// ProfileCurrent (the default) is proxy-wasm-cpp-host since commit 94091cd
	// (April 2026, "add all wasi hostcalls used by Go SDK"): poll_oneoff
	// answers success with no events, and both restricted lists allow it.
	ProfileCurrent Profile = iota
	// ProfileEnvoy133 is the host of earlier releases (Envoy 1.33 .. 1.37,
	// Istio 1.25 ..): poll_oneoff answers ENOSYS, so a plugin that links os
	// fails here as it would there (golang/go#78513), and the restricted lists
	// are the older, shorter ones.
	ProfileEnvoy133
)

// String is envoy-latest or envoy-1.33.
func (p Profile) String() string {
	if p == ProfileEnvoy133 {
		return "envoy-1.33"
	}
	return "envoy-latest"
}

// Options configure an Engine.
type Options struct {
	Profile Profile
	// CacheDir keeps compiled modules across processes; "" caches in memory.
	CacheDir string
	// Interpreter selects wazero's interpreter instead of the compiler.
	Interpreter bool
}

// Engine is a wazero runtime with the proxy-wasm and WASI host modules.
// It is safe for concurrent use; VMs created from it are not.
type Engine struct {
	rt      wazero.Runtime
	profile Profile
}

var (
	memCacheOnce sync.Once
	memCache     wazero.CompilationCache
)

// NewEngine creates a runtime with the host modules instantiated.
func NewEngine(ctx context.Context, opts Options) (*Engine, error) {
	cfg := wazero.NewRuntimeConfigCompiler()
	if opts.Interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	if opts.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err != nil {
			return nil, err
		}
		cfg = cfg.WithCompilationCache(cache)
	} else {
		memCacheOnce.Do(func() { memCache = wazero.NewCompilationCache() })
		cfg = cfg.WithCompilationCache(memCache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	e := &Engine{rt: rt, profile: opts.Profile}
	if err := e.instantiateHostModules(ctx); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	return e, nil
}

// Close releases the runtime and every VM made from it.
func (e *Engine) Close(ctx context.Context) error { return e.rt.Close(ctx) }

// Module is a compiled plugin.
type Module struct {
	engine   *Engine
	compiled wazero.CompiledModule
	size     int
}

// Compile validates and compiles a plugin. A module that imports a function
// the host does not provide is refused here, as Envoy refuses it.
func (e *Engine) Compile(ctx context.Context, wasm []byte) (*Module, error) {
	cm, err := e.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		if !e.provides(mod, name) {
			return nil, errors.New("wasmhost: module imports " + mod + "." + name + ", which Envoy does not provide (" + e.profile.String() + ")")
		}
	}
	if _, ok := cm.ExportedFunctions()["_initialize"]; !ok {
		return nil, errors.New("wasmhost: module has no _initialize export (build it with -buildmode=c-shared)")
	}
	return &Module{engine: e, compiled: cm, size: len(wasm)}, nil
}

// Size is the module's size in bytes.
func (m *Module) Size() int { return m.size }

func (e *Engine) provides(module, name string) bool {
	switch module {
	case "env":
		_, ok := envFunctions[name]
		return ok
	case wasiModule:
		_, ok := wasiFunctions[name]
		return ok
	}
	return false
}

// hostFunc is one host function with its wasm signature.
type hostFunc struct {
	fn      api.GoModuleFunction
	params  []api.ValueType
	results []api.ValueType
}

// masked clears the upper bits of i32 parameters, which wazero leaves
// undefined, so host functions can compare parameters as plain integers.
func (f hostFunc) masked() api.GoModuleFunction {
	var mask uint64
	for i, t := range f.params {
		if t == api.ValueTypeI32 {
			mask |= 1 << i
		}
	}
	inner := f.fn
	return api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
		for i := 0; mask>>i != 0; i++ {
			if mask&(1<<i) != 0 {
				stack[i] = uint64(uint32(stack[i]))
			}
		}
		inner.Call(ctx, m, stack)
	})
}

// checked wraps fn with Envoy's restricted-call check (restricted.go).
func checked(module, name string, fn api.GoModuleFunction) api.GoModuleFunction {
	key := module + "." + name
	return api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
		if vm := vmFrom(ctx); vm.phase <= phaseAllocate {
			vm.checkRestricted(key)
		}
		fn.Call(ctx, m, stack)
	})
}

func (e *Engine) instantiateHostModules(ctx context.Context) error {
	env := e.rt.NewHostModuleBuilder("env")
	for name, f := range envFunctions {
		env.NewFunctionBuilder().WithGoModuleFunction(checked("env", name, f.masked()), f.params, f.results).Export(name)
	}
	if _, err := env.Instantiate(ctx); err != nil {
		return err
	}
	wasi := e.rt.NewHostModuleBuilder(wasiModule)
	for name, f := range wasiFunctions {
		wasi.NewFunctionBuilder().WithGoModuleFunction(checked(wasiModule, name, f.masked()), f.params, f.results).Export(name)
	}
	_, err := wasi.Instantiate(ctx)
	return err
}

var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

func sig(n int, extra ...api.ValueType) []api.ValueType {
	s := make([]api.ValueType, n, n+len(extra))
	for i := range s {
		s[i] = i32
	}
	return append(s, extra...)
}
