package wasmhost

import (
	"context"

	"github.com/tetratelabs/wazero/api"
)

// The env host functions of proxy-wasm ABI v0.2.1 that cors-wasm and plugins
// like it use. They are api.GoModuleFunc (no reflection) and find their VM in
// the call's context.

const (
	statusOK            = 0
	statusNotFound      = 1
	statusBadArgument   = 2
	statusInvalidMemory = 6
	statusUnimplemented = 12
)

const (
	mapRequestHeaders  = 0
	mapResponseHeaders = 2
	bufferVMConfig     = 6
	bufferPluginConfig = 7
	maxBufferType      = 8 // CallData, the last buffer type of the ABI
)

var envFunctions = map[string]hostFunc{
	"proxy_log":                          {fn: api.GoModuleFunc(proxyLog), params: sig(3), results: sig(1)},
	"proxy_get_log_level":                {fn: api.GoModuleFunc(proxyGetLogLevel), params: sig(1), results: sig(1)},
	"proxy_get_buffer_bytes":             {fn: api.GoModuleFunc(proxyGetBufferBytes), params: sig(5), results: sig(1)},
	"proxy_set_buffer_bytes":             {fn: unimplemented("proxy_set_buffer_bytes"), params: sig(4), results: sig(1)},
	"proxy_get_header_map_pairs":         {fn: api.GoModuleFunc(proxyGetHeaderMapPairs), params: sig(3), results: sig(1)},
	"proxy_set_header_map_pairs":         {fn: api.GoModuleFunc(proxySetHeaderMapPairs), params: sig(3), results: sig(1)},
	"proxy_get_header_map_size":          {fn: api.GoModuleFunc(proxyGetHeaderMapSize), params: sig(2), results: sig(1)},
	"proxy_get_header_map_value":         {fn: api.GoModuleFunc(proxyGetHeaderMapValue), params: sig(5), results: sig(1)},
	"proxy_add_header_map_value":         {fn: api.GoModuleFunc(proxyAddHeaderMapValue), params: sig(5), results: sig(1)},
	"proxy_replace_header_map_value":     {fn: api.GoModuleFunc(proxyReplaceHeaderMapValue), params: sig(5), results: sig(1)},
	"proxy_remove_header_map_value":      {fn: api.GoModuleFunc(proxyRemoveHeaderMapValue), params: sig(3), results: sig(1)},
	"proxy_send_local_response":          {fn: api.GoModuleFunc(proxySendLocalResponse), params: sig(8), results: sig(1)},
	"proxy_get_property":                 {fn: api.GoModuleFunc(proxyGetProperty), params: sig(4), results: sig(1)},
	"proxy_set_property":                 {fn: unimplemented("proxy_set_property"), params: sig(4), results: sig(1)},
	"proxy_define_metric":                {fn: api.GoModuleFunc(proxyDefineMetric), params: sig(4), results: sig(1)},
	"proxy_increment_metric":             {fn: api.GoModuleFunc(proxyIncrementMetric), params: sig(1, i64), results: sig(1)},
	"proxy_record_metric":                {fn: api.GoModuleFunc(proxyRecordMetric), params: sig(1, i64), results: sig(1)},
	"proxy_get_metric":                   {fn: api.GoModuleFunc(proxyGetMetric), params: sig(2), results: sig(1)},
	"proxy_set_effective_context":        {fn: api.GoModuleFunc(proxySetEffectiveContext), params: sig(1), results: sig(1)},
	"proxy_set_tick_period_milliseconds": {fn: api.GoModuleFunc(proxySetTickPeriod), params: sig(1), results: sig(1)},
	"proxy_continue_stream":              {fn: unimplemented("proxy_continue_stream"), params: sig(1), results: sig(1)},
	"proxy_close_stream":                 {fn: unimplemented("proxy_close_stream"), params: sig(1), results: sig(1)},
	"proxy_done":                         {fn: unimplemented("proxy_done"), params: sig(0), results: sig(1)},
}

// enter counts a host call. Envoy's restrictions during _initialize and
// proxy_on_memory_allocate are checked before (engine.go checked).
func enter(ctx context.Context, name string) *VM {
	vm := vmFrom(ctx)
	vm.HostCalls++
	return vm
}

func unimplemented(name string) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		enter(ctx, name)
		stack[0] = statusUnimplemented
	}
}

// read returns guest memory [ptr, ptr+n) as a view.
func (vm *VM) read(ptr, n uint64) ([]byte, bool) {
	return vm.mem.Read(uint32(ptr), uint32(n))
}

func (vm *VM) readString(ptr, n uint64) (string, bool) {
	b, ok := vm.read(ptr, n)
	return string(b), ok
}

// give hands size bytes to the guest: it allocates them with the guest's
// allocator, lets fill write them, and stores the address and size at
// ptrOut and sizeOut.
//
// Empty data is written as pointer 0 and size 0 without calling the
// allocator, as Envoy does (proxy-wasm-cpp-host include/proxy-wasm/wasm.h
// WasmBase::copyToPointerSize).
func (vm *VM) give(size int, fill func([]byte), ptrOut, sizeOut uint64) uint64 {
	if size == 0 {
		if !vm.mem.WriteUint32Le(uint32(ptrOut), 0) || !vm.mem.WriteUint32Le(uint32(sizeOut), 0) {
			return statusInvalidMemory
		}
		return statusOK
	}
	addr := vm.guestAlloc(uint32(size))
	buf, ok := vm.mem.Read(addr, uint32(size))
	if !ok {
		return statusInvalidMemory
	}
	fill(buf)
	if !vm.mem.WriteUint32Le(uint32(ptrOut), addr) || !vm.mem.WriteUint32Le(uint32(sizeOut), uint32(size)) {
		return statusInvalidMemory
	}
	return statusOK
}

func proxyLog(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_log")
	if Level(stack[0]) < vm.logs.level {
		stack[0] = statusOK
		return
	}
	msg, ok := vm.readString(stack[1], stack[2])
	if !ok {
		stack[0] = statusInvalidMemory
		return
	}
	vm.logs.add(Level(stack[0]), msg)
	stack[0] = statusOK
}

func proxyGetLogLevel(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_log_level")
	if !vm.mem.WriteUint32Le(uint32(stack[0]), uint32(vm.logs.level)) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
}

func proxyGetBufferBytes(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_buffer_bytes")
	// Envoy's Context::getBuffer: the VM configuration is always there (we
	// have none: empty); the plugin configuration only while a configuration
	// is being applied; the other buffers are not kept by this host.
	var data []byte
	switch {
	case stack[0] > maxBufferType:
		stack[0] = statusBadArgument
		return
	case stack[0] == bufferPluginConfig && vm.phase == phaseConfigure:
		data = vm.config
	case stack[0] == bufferVMConfig:
	default:
		stack[0] = statusNotFound
		return
	}
	// proxy-wasm-cpp-host src/exports.cc get_buffer_bytes: a start past the
	// end, or nothing to copy, is empty data (pointer 0, size 0), not an error.
	start, maxSize := uint64(uint32(stack[1])), uint64(uint32(stack[2]))
	if start > uint64(len(data)) {
		start = uint64(len(data))
	}
	data = data[start:]
	if uint64(len(data)) > maxSize {
		data = data[:maxSize]
	}
	stack[0] = vm.give(len(data), func(b []byte) { copy(b, data) }, stack[3], stack[4])
}

func proxySendLocalResponse(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_send_local_response")
	s := vm.cur
	if s == nil {
		// Outside a stream Envoy's Context::sendLocalResponse has no decoder
		// callbacks: nothing happens, and the call still answers OK.
		stack[0] = statusOK
		return
	}
	details, ok1 := vm.readString(stack[1], stack[2])
	body, ok2 := vm.read(stack[3], stack[4])
	hb, ok3 := vm.read(stack[5], stack[6])
	if !ok1 || !ok2 || !ok3 {
		stack[0] = statusInvalidMemory
		return
	}
	lines, ok := decodeHeaderMap(hb)
	if !ok {
		stack[0] = statusBadArgument
		return
	}
	for i := range lines {
		lines[i][0] = lower(lines[i][0])
	}
	// Deferred: the reply takes effect when the callback returns, and stops
	// the stream. Sent while response headers are being encoded, it replaces
	// them directly, without running the filters again (Envoy
	// source/common/http/filter_manager.cc DownstreamFilterManager::
	// sendLocalReply -> sendDirectLocalReply).
	s.direct = s.encoding || s.responding
	s.reply = LocalReply{Status: uint32(stack[0]), Details: details, Headers: lines,
		Body: append([]byte(nil), body...), GRPCStatus: int32(uint32(stack[7]))}
	s.replied = true
	stack[0] = statusOK
}

func proxyGetProperty(ctx context.Context, _ api.Module, stack []uint64) {
	enter(ctx, "proxy_get_property")
	stack[0] = statusNotFound
}

func proxySetEffectiveContext(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_set_effective_context")
	id := uint32(stack[0])
	s, ok := vm.streams[id]
	if !ok && vm.roots[id] == nil {
		stack[0] = statusBadArgument
		return
	}
	vm.setCurrent(id, s)
	stack[0] = statusOK
}

func proxySetTickPeriod(ctx context.Context, _ api.Module, stack []uint64) {
	enter(ctx, "proxy_set_tick_period_milliseconds")
	stack[0] = statusOK // timers are not driven by this host
}
