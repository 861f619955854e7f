package wasmhost

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// The WASI preview1 functions Envoy's host (proxy-wasm-cpp-host) provides.
// Plugins get no files, arguments or environment; stdout and stderr become
// log lines (info and error), as in Envoy.

const wasiModule = "wasi_snapshot_preview1"

const (
	errnoSuccess = 0
	errnoBadf    = 8
	errnoInval   = 28
	errnoNosys   = 52
)

var wasiFunctions = map[string]hostFunc{
	"args_get":            {fn: api.GoModuleFunc(wasiZeroPair), params: sig(2), results: sig(1)},
	"args_sizes_get":      {fn: api.GoModuleFunc(wasiSizes), params: sig(2), results: sig(1)},
	"environ_get":         {fn: api.GoModuleFunc(wasiZeroPair), params: sig(2), results: sig(1)},
	"environ_sizes_get":   {fn: api.GoModuleFunc(wasiSizes), params: sig(2), results: sig(1)},
	"clock_time_get":      {fn: api.GoModuleFunc(wasiClockTimeGet), params: sig(1, i64, i32), results: sig(1)},
	"random_get":          {fn: api.GoModuleFunc(wasiRandomGet), params: sig(2), results: sig(1)},
	"fd_write":            {fn: api.GoModuleFunc(wasiFdWrite), params: sig(4), results: sig(1)},
	"fd_read":             {fn: errno(errnoBadf), params: sig(4), results: sig(1)},
	"fd_seek":             {fn: errno(errnoBadf), params: sig(2, i64, i32, i32), results: sig(1)},
	"fd_close":            {fn: errno(errnoBadf), params: sig(1), results: sig(1)},
	"fd_fdstat_get":       {fn: errno(errnoBadf), params: sig(2), results: sig(1)},
	"fd_fdstat_set_flags": {fn: errno(errnoNosys), params: sig(2), results: sig(1)},
	"fd_prestat_get":      {fn: errno(errnoBadf), params: sig(2), results: sig(1)},
	"fd_prestat_dir_name": {fn: errno(errnoBadf), params: sig(3), results: sig(1)},
	"path_open":           {fn: errno(errnoNosys), params: sig(5, i64, i64, i32, i32), results: sig(1)},
	"proc_exit":           {fn: api.GoModuleFunc(wasiProcExit), params: sig(1), results: nil},
	"sched_yield":         {fn: errno(errnoSuccess), params: nil, results: sig(1)},
	"poll_oneoff":         {fn: api.GoModuleFunc(wasiPollOneoff), params: sig(4), results: sig(1)},
}

func errno(code uint64) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		vmFrom(ctx).HostCalls++
		stack[0] = code
	}
}

// wasiSizes answers args_sizes_get / environ_sizes_get: nothing.
func wasiSizes(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	if !vm.mem.WriteUint32Le(uint32(stack[0]), 0) || !vm.mem.WriteUint32Le(uint32(stack[1]), 0) {
		stack[0] = errnoInval
		return
	}
	stack[0] = errnoSuccess
}

func wasiZeroPair(_ context.Context, _ api.Module, stack []uint64) { stack[0] = errnoSuccess }

func wasiClockTimeGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	var now int64
	switch stack[0] {
	case 0: // realtime
		now = time.Now().UnixNano()
	case 1: // monotonic
		now = int64(time.Since(monoStart)) + 1
	default:
		stack[0] = errnoInval
		return
	}
	if !vm.mem.WriteUint64Le(uint32(stack[2]), uint64(now)) {
		stack[0] = errnoInval
		return
	}
	stack[0] = errnoSuccess
}

var monoStart = time.Now()

func wasiRandomGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	buf, ok := vm.read(stack[0], stack[1])
	if !ok {
		stack[0] = errnoInval
		return
	}
	_, _ = rand.Read(buf)
	stack[0] = errnoSuccess
}

// wasiFdWrite turns writes to stdout/stderr into log lines.
func wasiFdWrite(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	fd, iovs, n, out := stack[0], uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	if fd != 1 && fd != 2 {
		stack[0] = errnoBadf
		return
	}
	var msg []byte
	for i := uint32(0); i < n; i++ {
		iov, ok := vm.mem.Read(iovs+8*i, 8)
		if !ok {
			stack[0] = errnoInval
			return
		}
		b, ok := vm.mem.Read(binary.LittleEndian.Uint32(iov), binary.LittleEndian.Uint32(iov[4:]))
		if !ok {
			stack[0] = errnoInval
			return
		}
		msg = append(msg, b...)
	}
	vm.output(int(fd), msg)
	if !vm.mem.WriteUint32Le(out, uint32(len(msg))) {
		stack[0] = errnoInval
		return
	}
	stack[0] = errnoSuccess
}

// output buffers stdout/stderr per line: Go's runtime writes a panic report
// in many small pieces. Complete lines become log lines (stdout at info,
// stderr at error), as Envoy logs them.
func (vm *VM) output(fd int, b []byte) {
	level := LevelInfo
	if fd == 2 {
		level = LevelError
	}
	buf := &vm.outBuf[fd-1]
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		*buf = append(*buf, b[:i]...)
		if i == len(b) {
			if len(*buf) > 64<<10 { // no newline for too long: flush anyway
				vm.logs.add(level, string(*buf))
				*buf = (*buf)[:0]
			}
			return
		}
		vm.logs.add(level, string(*buf))
		*buf = (*buf)[:0]
		b = b[i+1:]
	}
}

// wasiProcExit ends the instance: every later call fails (a trap).
func wasiProcExit(_ context.Context, m api.Module, stack []uint64) {
	code := uint32(stack[0])
	_ = m.CloseWithExitCode(context.Background(), code)
	panic(sys.NewExitError(code))
}

// wasiPollOneoff answers ENOSYS in the envoy-1.33 profile, like Envoy before
// the fix; otherwise it serves clock subscriptions by sleeping.
func wasiPollOneoff(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	if vm.profile == ProfileEnvoy133 {
		stack[0] = errnoNosys
		return
	}
	in, out, n, nout := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	var wait time.Duration
	for i := uint32(0); i < n; i++ {
		sub, ok := vm.mem.Read(in+48*i, 48)
		if !ok {
			stack[0] = errnoInval
			return
		}
		ev, ok := vm.mem.Read(out+32*i, 32)
		if !ok {
			stack[0] = errnoInval
			return
		}
		clear(ev)
		copy(ev[0:8], sub[0:8]) // userdata
		ev[10] = sub[8]         // type
		if sub[8] == 0 {        // clock: relative timeout in ns at offset 24
			if d := time.Duration(binary.LittleEndian.Uint64(sub[24:])); d > wait {
				wait = d
			}
		} else {
			binary.LittleEndian.PutUint16(ev[8:], errnoBadf) // fd events: no fds here
		}
	}
	time.Sleep(wait)
	if !vm.mem.WriteUint32Le(nout, n) {
		stack[0] = errnoInval
		return
	}
	stack[0] = errnoSuccess
}
