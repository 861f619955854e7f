package wasmhost

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// The WASI preview1 functions Envoy's host provides, with the results
// proxy-wasm-cpp-host gives (src/exports.cc, the wasi_unstable_* functions):
// no files and no arguments; the environment from the VM configuration;
// stdout and stderr become one log line per fd_write call (info and error).

const wasiModule = "wasi_snapshot_preview1"

const (
	errnoSuccess = 0
	errnoBadf    = 8
	errnoFault   = 21
	errnoInval   = 28
	errnoNoent   = 44
	errnoNosys   = 52
	errnoNotsup  = 58
)

// maxRandomBytes is PROXY_WASM_HOST_WASI_RANDOM_GET_MAX_SIZE_BYTES
// (include/proxy-wasm/limits.h).
const maxRandomBytes = 64 << 10

var wasiFunctions = map[string]hostFunc{
	"args_get":            {fn: errno(errnoSuccess), params: sig(2), results: sig(1)},
	"args_sizes_get":      {fn: api.GoModuleFunc(wasiArgsSizes), params: sig(2), results: sig(1)},
	"environ_get":         {fn: api.GoModuleFunc(wasiEnvironGet), params: sig(2), results: sig(1)},
	"environ_sizes_get":   {fn: api.GoModuleFunc(wasiEnvironSizes), params: sig(2), results: sig(1)},
	"clock_time_get":      {fn: api.GoModuleFunc(wasiClockTimeGet), params: sig(1, i64, i32), results: sig(1)},
	"clock_res_get":       {fn: api.GoModuleFunc(wasiClockResGet), params: sig(2), results: sig(1)},
	"random_get":          {fn: api.GoModuleFunc(wasiRandomGet), params: sig(2), results: sig(1)},
	"fd_write":            {fn: api.GoModuleFunc(wasiFdWrite), params: sig(4), results: sig(1)},
	"fd_read":             {fn: errno(errnoNosys), params: sig(4), results: sig(1)},
	"fd_seek":             {fn: errno(errnoSuccess), params: sig(2, i64, i32, i32), results: sig(1)}, // logs "fd_seek" at trace in Envoy
	"fd_close":            {fn: errno(errnoSuccess), params: sig(1), results: sig(1)},
	"fd_fdstat_get":       {fn: api.GoModuleFunc(wasiFdstatGet), params: sig(2), results: sig(1)},
	"fd_fdstat_set_flags": {fn: errno(errnoNosys), params: sig(2), results: sig(1)},
	"fd_prestat_get":      {fn: errno(errnoBadf), params: sig(2), results: sig(1)},
	"fd_prestat_dir_name": {fn: errno(errnoNosys), params: sig(3), results: sig(1)},
	"path_open":           {fn: errno(errnoNoent), params: sig(5, i64, i64, i32, i32), results: sig(1)},
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

// wasiArgsSizes answers args_sizes_get: no arguments.
func wasiArgsSizes(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	if !vm.mem.WriteUint32Le(uint32(stack[0]), 0) || !vm.mem.WriteUint32Le(uint32(stack[1]), 0) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

// wasiEnvironSizes and wasiEnvironGet serve VMConfig.Env as "KEY=VALUE\0".
func wasiEnvironSizes(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	size := 0
	for _, e := range vm.env {
		size += len(e[0]) + len(e[1]) + 2
	}
	if !vm.mem.WriteUint32Le(uint32(stack[0]), uint32(len(vm.env))) || !vm.mem.WriteUint32Le(uint32(stack[1]), uint32(size)) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiEnvironGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	ptrs, buf := uint32(stack[0]), uint32(stack[1])
	for _, e := range vm.env {
		entry := e[0] + "=" + e[1] + "\x00"
		if !vm.mem.WriteUint32Le(ptrs, buf) || !vm.mem.WriteString(buf, entry) {
			stack[0] = errnoFault
			return
		}
		ptrs += 4
		buf += uint32(len(entry))
	}
	stack[0] = errnoSuccess
}

func wasiClockTimeGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	var now int64
	switch stack[0] {
	case 0: // realtime
		now = time.Now().UnixNano()
	case 1: // monotonic
		now = int64(time.Since(monoStart)) + 1
	default: // process and thread CPU time: "not supported yet"
		stack[0] = errnoNotsup
		return
	}
	if !vm.mem.WriteUint64Le(uint32(stack[2]), uint64(now)) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

var monoStart = time.Now()

func wasiClockResGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	if stack[0] > 1 {
		stack[0] = errnoNotsup
		return
	}
	if !vm.mem.WriteUint64Le(uint32(stack[1]), 1) { // 1 ns for both clocks
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

func wasiRandomGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	switch n := stack[1]; {
	case n > maxRandomBytes:
		stack[0] = errnoInval
		return
	case n == 0:
		stack[0] = errnoSuccess
		return
	}
	buf, ok := vm.read(stack[0], stack[1])
	if !ok {
		stack[0] = errnoFault
		return
	}
	_, _ = rand.Read(buf)
	stack[0] = errnoSuccess
}

// wasiFdstatGet: stdout and stderr are writable; other fds do not exist.
func wasiFdstatGet(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	if stack[0] != 1 && stack[0] != 2 {
		stack[0] = errnoBadf
		return
	}
	var stat [24]byte
	stat[8] = 64 // fs_rights_base: FD_WRITE
	vm.mem.Write(uint32(stack[1]), stat[:])
	stack[0] = errnoSuccess
}

// wasiFdWrite turns one write to stdout or stderr into one log line (info or
// error), without its trailing newline; an empty write logs nothing.
func wasiFdWrite(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	fd, iovs, n, out := stack[0], uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	level := LevelInfo
	switch fd {
	case 1:
	case 2:
		level = LevelError
	default:
		stack[0] = errnoBadf
		return
	}
	var msg []byte
	for i := uint32(0); i < n; i++ {
		iov, ok := vm.mem.Read(iovs+8*i, 8)
		if !ok {
			stack[0] = errnoFault
			return
		}
		if size := binary.LittleEndian.Uint32(iov[4:]); size != 0 {
			b, ok := vm.mem.Read(binary.LittleEndian.Uint32(iov), size)
			if !ok {
				stack[0] = errnoFault
				return
			}
			msg = append(msg, b...)
		}
	}
	vm.Writes.add(vm.phase)
	written := len(msg)
	if written > 0 {
		if msg[written-1] == '\n' {
			msg = msg[:written-1]
		}
		vm.logs.add(level, string(msg))
	}
	if !vm.mem.WriteUint32Le(out, uint32(written)) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

// wasiProcExit does what Envoy's host does: it logs "wasi_unstable
// proc_exit" (Context::error, at trace level) and returns. A Go module that
// exits (a fatal runtime error) then reaches an unreachable instruction and
// traps by itself (TestTrapAnswers503AndHostKeepsServing).
func wasiProcExit(ctx context.Context, _ api.Module, _ []uint64) {
	vmFrom(ctx).logs.add(LevelTrace, "wasi_unstable proc_exit")
}

// wasiPollOneoff: the current host answers success with no events and
// without waiting ("Go runtime requires poll_oneoff to return ESUCCESS");
// the older one ENOSYS.
func wasiPollOneoff(ctx context.Context, _ api.Module, stack []uint64) {
	vm := vmFrom(ctx)
	vm.HostCalls++
	if vm.profile == ProfileEnvoy133 {
		stack[0] = errnoNosys
		return
	}
	if !vm.mem.WriteUint32Le(uint32(stack[3]), 0) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}
