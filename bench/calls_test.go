package bench

import (
	"context"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// callCounter counts the guest's own wasm function calls (exports and every
// function they call; host functions are not wasm functions and are not
// counted). Unlike a time, a count does not move with the load of a shared
// machine, so it is the figure the hot path is steered by.
type callCounter struct {
	calls  uint64
	byName map[string]uint64 // filled only when non-nil
}

type counterKey struct{}

// countingListener is one listener shared by every function: it finds the
// VM's counter in the call's context, so VMs of the same compiled module
// count separately and a VM without a counter costs only the lookup.
type countingListener struct{}

func (countingListener) NewFunctionListener(api.FunctionDefinition) experimental.FunctionListener {
	return countingListener{}
}

func (countingListener) Before(ctx context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64, _ experimental.StackIterator) {
	c, _ := ctx.Value(counterKey{}).(*callCounter)
	if c == nil {
		return
	}
	c.calls++
	if c.byName != nil {
		c.byName[def.DebugName()]++
	}
}

func (countingListener) After(context.Context, api.Module, api.FunctionDefinition, []uint64) {}

func (countingListener) Abort(context.Context, api.Module, api.FunctionDefinition, error) {}

var (
	countEngMu sync.Mutex
	countEngs  = map[wasmhost.Profile]*wasmhost.Engine{}
	countMods  sync.Map // package, profile, named -> *wasmhost.Module
)

// countingModule compiles pkg with the function listener attached. It has
// its own engine (the module's cache key includes the listeners), so the
// listener never slows the timed benchmarks.
func countingModule(tb testing.TB, pkg string, wasm []byte, named bool, profile wasmhost.Profile) *wasmhost.Module {
	key := pkg + " " + profile.String()
	if named {
		key += " (named)"
	}
	countEngMu.Lock()
	countEng := countEngs[profile]
	if countEng == nil {
		var err error
		countEng, err = wasmhost.NewEngine(context.Background(), wasmhost.Options{Profile: profile})
		if err != nil {
			countEngMu.Unlock()
			tb.Fatal(err)
		}
		countEngs[profile] = countEng
	}
	countEngMu.Unlock()
	if m, ok := countMods.Load(key); ok {
		return m.(*wasmhost.Module)
	}
	ctx := experimental.WithFunctionListenerFactory(context.Background(), countingListener{})
	m, err := countEng.Compile(ctx, wasm)
	if err != nil {
		tb.Fatal(err)
	}
	countMods.Store(key, m)
	return m
}

// pluginConfig is the configuration pkg gets for c: the floor plugin runs
// the case's script, every other plugin the case's CORS configuration.
func pluginConfig(pkg string, c *benchCase) []byte {
	if pkg == testwasm.FloorPlugin {
		return []byte(c.floor)
	}
	return []byte(c.config)
}

// callsPerStream is what one stream of a case costs in calls.
type callsPerStream struct {
	guest float64 // wasm functions of the module (exports and what they call)
	host  float64 // host functions (imports) the guest called
}

// total is what the benchmarks call "wasm function calls": every call
// instruction's target, guest or import.
func (c callsPerStream) total() float64 { return c.guest + c.host }

// countCalls runs warm-up streams of c through wasm (built from pkg), then
// counts the calls of more streams; with byName it also returns the calls
// per function over those streams.
func countCalls(tb testing.TB, pkg string, wasm []byte, c *benchCase, byName bool) (callsPerStream, map[string]uint64) {
	return countCallsOn(tb, benchProfile, pkg, wasm, c, byName)
}

// countCallsOn is countCalls on a host profile.
func countCallsOn(tb testing.TB, profile wasmhost.Profile, pkg string, wasm []byte, c *benchCase, byName bool) (callsPerStream, map[string]uint64) {
	counter := &callCounter{}
	ctx := context.WithValue(context.Background(), counterKey{}, counter)
	vm, err := countingModule(tb, pkg, wasm, byName, profile).NewVM(ctx, wasmhost.VMConfig{PluginConfig: pluginConfig(pkg, c)})
	if err != nil {
		tb.Fatal(err)
	}
	defer vm.Close()
	for i := 0; i < 100; i++ {
		stream(tb, vm, c)
	}
	const streams = 100
	counter.calls = 0
	host := vm.HostCalls
	if byName {
		counter.byName = map[string]uint64{}
	}
	for i := 0; i < streams; i++ {
		stream(tb, vm, c)
	}
	return callsPerStream{guest: float64(counter.calls) / streams, host: float64(vm.HostCalls-host) / streams}, counter.byName
}
