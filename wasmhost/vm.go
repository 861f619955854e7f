package wasmhost

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// phase restricts host calls the way Envoy does.
type phase uint8

const (
	phaseInitialize phase = iota // restricted: restricted.go
	phaseAllocate                // restricted: restricted.go
	phaseVMStart                 // VM configuration readable
	phaseConfigure               // plugin configuration readable
	phaseCallback                // stream and root callbacks
)

// PhaseCounts counts events by the VM phase they happened in.
type PhaseCounts struct {
	Initialize, Allocate, VMStart, Configure, Callback uint64
}

func (c *PhaseCounts) add(p phase) {
	switch p {
	case phaseInitialize:
		c.Initialize++
	case phaseAllocate:
		c.Allocate++
	case phaseVMStart:
		c.VMStart++
	case phaseConfigure:
		c.Configure++
	default:
		c.Callback++
	}
}

// VM is one instance of a plugin with one configured root context, like an
// Envoy worker's VM. It is not safe for concurrent use.
type VM struct {
	ctx      context.Context // carries the VM to host functions
	mod      api.Module
	mem      api.Memory
	metrics  *Metrics
	logs     *Logs
	config   []byte
	profile  Profile
	phase    phase
	current  uint32  // context of the running callback
	cur      *Stream // its stream; nil for the root context
	streams  map[uint32]*Stream
	roots    map[uint32]*rootState // reconfigure.go
	root     uint32                // the root new streams are created under
	free     []*Stream
	nextID   uint32
	ids      [3][]*metric // this VM's metrics by type, id>>2 - 1
	alloc    api.Function
	exports  exports
	stack    [8]uint64
	allocStk [1]uint64
	// HostCalls counts host function calls, for benchmarks.
	HostCalls uint64
	// Restricted counts calls Envoy's host would refuse (restricted.go).
	Restricted uint64
	// Writes counts fd_write calls by the phase they happened in (stress
	// tests use GODEBUG=gctrace=1 to see where the collector ran).
	Writes  PhaseCounts
	env     [][2]string // WASI environment (VMConfig.Env)
	trapped error
}

type exports struct {
	contextCreate, vmStart, configure, requestHeaders, responseHeaders,
	onLog, onDone, onDelete api.Function
}

type vmKey struct{}

func vmFrom(ctx context.Context) *VM { return ctx.Value(vmKey{}).(*VM) }

// ConfigError is a configuration the plugin refused; Logs holds its log lines.
type ConfigError struct {
	Logs []LogLine
}

// Error says the configuration was refused, with the plugin's warning and
// worse log lines.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("wasmhost: the plugin refused its configuration")
	for _, l := range e.Logs {
		if l.Level >= LevelWarn {
			b.WriteString("\n  ")
			b.WriteString(l.String())
		}
	}
	return b.String()
}

// VMConfig is what a VM needs besides the module.
type VMConfig struct {
	PluginConfig []byte
	Metrics      *Metrics // shared between VMs like Envoy's stats; nil makes one
	Logs         *Logs    // nil makes one at info level
	// Env is the WASI environment, in order, as Envoy's
	// vm_config.environment_variables gives it (WasmBase::envs()).
	Env [][2]string
}

// NewVM instantiates the module, runs _initialize, creates the root context,
// and runs proxy_on_vm_start and proxy_on_configure. A refused configuration
// returns a *ConfigError with the plugin's log lines.
func (m *Module) NewVM(ctx context.Context, cfg VMConfig) (*VM, error) {
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logs == nil {
		cfg.Logs = NewLogs(LevelInfo)
	}
	vm := &VM{metrics: cfg.Metrics, logs: cfg.Logs, config: cfg.PluginConfig, profile: m.engine.profile, env: cfg.Env,
		streams: map[uint32]*Stream{}, roots: map[uint32]*rootState{}, nextID: 1}
	vm.ctx = context.WithValue(ctx, vmKey{}, vm)
	mod, err := m.engine.rt.InstantiateModule(vm.ctx, m.compiled,
		wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil, err
	}
	vm.mod, vm.mem = mod, mod.Memory()
	fn := func(name string, required bool) api.Function {
		f := mod.ExportedFunction(name)
		if f == nil && required && err == nil {
			err = errors.New("wasmhost: module does not export " + name)
		}
		return f
	}
	vm.alloc = fn("proxy_on_memory_allocate", true)
	vm.exports = exports{
		contextCreate:   fn("proxy_on_context_create", true),
		vmStart:         fn("proxy_on_vm_start", false),
		configure:       fn("proxy_on_configure", false),
		requestHeaders:  fn("proxy_on_request_headers", false),
		responseHeaders: fn("proxy_on_response_headers", false),
		onLog:           fn("proxy_on_log", false),
		onDone:          fn("proxy_on_done", false),
		onDelete:        fn("proxy_on_delete", false),
	}
	if err != nil {
		mod.Close(ctx)
		return nil, err
	}
	vm.phase = phaseInitialize
	if _, err := vm.call(mod.ExportedFunction("_initialize")); err != nil {
		mod.Close(ctx)
		return nil, errors.New("wasmhost: _initialize: " + err.Error())
	}
	vm.phase = phaseCallback
	root, err := vm.startRoot(cfg.PluginConfig)
	if err != nil {
		mod.Close(ctx)
		return nil, err
	}
	vm.root = root
	return vm, nil
}

// callBool calls an optional export that answers a bool; absent means true.
func (vm *VM) callBool(f api.Function, args ...uint64) (bool, error) {
	if f == nil {
		return true, nil
	}
	r, err := vm.call(f, args...)
	return r != 0, err
}

// call runs an export with the VM's reusable stack. Any error is a trap: the
// VM is poisoned and must be replaced.
func (vm *VM) call(f api.Function, args ...uint64) (uint64, error) {
	if vm.trapped != nil {
		return 0, vm.trapped
	}
	if f == nil {
		return 0, nil
	}
	copy(vm.stack[:], args)
	if err := f.CallWithStack(vm.ctx, vm.stack[:]); err != nil {
		vm.trapped = errors.New("wasmhost: trap: " + err.Error())
		return 0, vm.trapped
	}
	return vm.stack[0], nil
}

// setCurrent makes id (a stream, or the root when s is nil) the context of
// the callback about to run; host calls act on it.
func (vm *VM) setCurrent(id uint32, s *Stream) { vm.current, vm.cur = id, s }

// Trapped reports the trap that poisoned the VM, or nil.
func (vm *VM) Trapped() error { return vm.trapped }

// guestAlloc asks the guest for size bytes (proxy_on_memory_allocate).
func (vm *VM) guestAlloc(size uint32) uint32 {
	prev := vm.phase
	vm.phase = phaseAllocate
	vm.allocStk[0] = uint64(size)
	err := vm.alloc.CallWithStack(vm.ctx, vm.allocStk[:])
	vm.phase = prev
	if err != nil {
		panic("proxy_on_memory_allocate trapped: " + err.Error())
	}
	return uint32(vm.allocStk[0])
}

// MemoryBytes is the size of the VM's linear memory.
func (vm *VM) MemoryBytes() uint32 { return vm.mem.Size() }

// Call runs the module's export name with params between callbacks and
// returns its first result (0 if it has none). Envoy never calls exports
// outside the ABI; tests use Call to read what a plugin exports about itself,
// such as a count of its heap allocations. A missing export or a wrong number
// of parameters is an error; a trap poisons the VM as in any callback.
func (vm *VM) Call(name string, params ...uint64) (uint64, error) {
	f := vm.mod.ExportedFunction(name)
	if f == nil {
		return 0, errors.New("wasmhost: module does not export " + name)
	}
	def := f.Definition()
	switch want := len(def.ParamTypes()); {
	case len(params) != want:
		return 0, errors.New("wasmhost: export " + name + " takes " + strconv.Itoa(want) + " parameters, not " + strconv.Itoa(len(params)))
	case want > len(vm.stack) || len(def.ResultTypes()) > len(vm.stack):
		return 0, errors.New("wasmhost: export " + name + " has more than " + strconv.Itoa(len(vm.stack)) + " parameters or results")
	}
	r, err := vm.call(f, params...)
	if len(def.ResultTypes()) == 0 {
		r = 0
	}
	return r, err
}

// LiveStreams is the number of streams not yet deleted.
func (vm *VM) LiveStreams() int { return len(vm.streams) }

// Close releases the instance.
func (vm *VM) Close() error { return vm.mod.Close(context.Background()) }

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
