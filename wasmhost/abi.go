package wasmhost

import (
	"context"
	"strings"
	"unsafe"

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

// maxMapType is the last header map type of the ABI (HttpCallResponseTrailers).
const maxMapType = 7

// mapOf returns the current stream's map of type t as Envoy's Context::getMap
// (write) and getConstMap (read) find it (source/extensions/common/wasm/
// context.cc): the request map while proxy_on_request_headers runs and after
// it stopped iteration (a local reply included), the response map likewise,
// and both read-only while proxy_on_log runs. known is false for a type
// beyond the ABI's last; h is nil when the map is not available now.
func (vm *VM) mapOf(t uint64, write bool) (h *headerMap, in inlineSet, known bool) {
	if t > maxMapType {
		return nil, nil, false
	}
	s := vm.cur
	if s == nil {
		return nil, nil, true
	}
	switch {
	case t == mapRequestHeaders && (s.reqOpen || !write && s.logging):
		return &s.req, requestInline, true
	case t == mapResponseHeaders && (s.respOpen || !write && s.logging):
		return &s.resp, responseInline, true
	}
	return nil, nil, true
}

// writableMap returns the map a mutating call acts on, or the status Envoy
// gives when there is none: BAD_ARGUMENT for an unknown type and for a map
// that is not available now.
func (vm *VM) writableMap(t uint64) (*headerMap, inlineSet, uint64) {
	h, in, _ := vm.mapOf(t, true)
	if h == nil {
		return nil, nil, statusBadArgument
	}
	return h, in, statusOK
}

func proxyGetHeaderMapPairs(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_header_map_pairs")
	h, _, known := vm.mapOf(stack[0], false)
	switch {
	case !known:
		stack[0] = statusBadArgument
	case h == nil || len(*h) == 0: // Envoy: no pairs, returned as empty data
		stack[0] = vm.give(0, nil, stack[1], stack[2])
	default:
		stack[0] = vm.give(h.size(), h.encode, stack[1], stack[2])
	}
}

func proxySetHeaderMapPairs(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_set_header_map_pairs")
	h, in, st := vm.writableMap(stack[0])
	b, ok := vm.read(stack[1], stack[2])
	switch {
	case st != statusOK:
		stack[0] = st
	case !ok:
		stack[0] = statusInvalidMemory
	default:
		lines, ok := decodeHeaderMap(b)
		if !ok {
			stack[0] = statusBadArgument
			return
		}
		h.set(in, lines) // Context::setHeaderMapPairs: remove every key, addCopy each pair
		stack[0] = statusOK
	}
}

func proxyGetHeaderMapSize(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_header_map_size")
	h, _, st := vm.writableMap(stack[0])
	if st != statusOK {
		stack[0] = st
		return
	}
	if !vm.mem.WriteUint32Le(uint32(stack[1]), uint32(h.byteSize())) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
}

// key reads a header name from guest memory, lowercased. It is a view into
// guest memory when it is already lowercase: callers that keep it (add,
// replace) must copy it (strings.Clone).
func (vm *VM) key(ptr, n uint64) (string, bool) {
	b, ok := vm.read(ptr, n)
	if !ok {
		return "", false
	}
	return lower(unsafe.String(unsafe.SliceData(b), len(b))), true
}

func proxyGetHeaderMapValue(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_header_map_value")
	h, _, known := vm.mapOf(stack[0], false)
	if h == nil {
		stack[0] = statusBadArgument
		if known && vm.cur != nil && vm.cur.logging {
			stack[0] = statusNotFound // Context::getHeaderMapValue in the access log phase
		}
		return
	}
	key, ok := vm.key(stack[1], stack[2])
	if !ok {
		stack[0] = statusInvalidMemory
		return
	}
	v, found := h.first(key) // Envoy: the first value only
	if !found {
		stack[0] = statusNotFound
		return
	}
	stack[0] = vm.give(len(v), func(b []byte) { copy(b, v) }, stack[3], stack[4])
}

func proxyAddHeaderMapValue(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_add_header_map_value")
	h, in, st := vm.writableMap(stack[0])
	key, ok1 := vm.key(stack[1], stack[2])
	value, ok2 := vm.readString(stack[3], stack[4])
	if st == statusOK && (!ok1 || !ok2) {
		st = statusInvalidMemory
	}
	if st == statusOK {
		h.add(in, strings.Clone(key), value) // Context::addHeaderMapValue -> addCopy
	}
	stack[0] = st
}

func proxyReplaceHeaderMapValue(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_replace_header_map_value")
	h, in, st := vm.writableMap(stack[0])
	key, ok1 := vm.key(stack[1], stack[2])
	value, ok2 := vm.readString(stack[3], stack[4])
	if st == statusOK && (!ok1 || !ok2) {
		st = statusInvalidMemory
	}
	if st == statusOK {
		h.replace(in, strings.Clone(key), value) // Context::replaceHeaderMapValue -> setCopy
	}
	stack[0] = st
}

func proxyRemoveHeaderMapValue(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_remove_header_map_value")
	h, _, st := vm.writableMap(stack[0])
	key, ok := vm.key(stack[1], stack[2])
	if st == statusOK && !ok {
		st = statusInvalidMemory
	}
	if st == statusOK {
		h.remove(key)
	}
	stack[0] = st
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

// proxyDefineMetric gives ids as Envoy does (source/extensions/common/wasm/
// wasm.h nextCounterMetricId etc.): per VM, the type in the low two bits and
// a step of 4 per definition, so the first counter is 4, the first gauge 5.
// Defining a name again gives a new id for the same metric.
func proxyDefineMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_define_metric")
	t := metricType(stack[0])
	name, ok := vm.readString(stack[1], stack[2])
	if !ok {
		stack[0] = statusInvalidMemory
		return
	}
	if t > metricHistogram {
		stack[0] = statusBadArgument
		return
	}
	vm.ids[t] = append(vm.ids[t], vm.metrics.define(name, t))
	id := uint32(len(vm.ids[t]))<<2 | uint32(t)
	if !vm.mem.WriteUint32Le(uint32(stack[3]), id) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
}

// metric finds an id's metric from the type in its low bits.
func (vm *VM) metric(id uint64) (*metric, metricType) {
	t := metricType(id & 3)
	if t > metricHistogram {
		return nil, t
	}
	i := id >> 2
	if i == 0 || i > uint64(len(vm.ids[t])) {
		return nil, t
	}
	return vm.ids[t][i-1], t
}

// proxyIncrementMetric: counters take only increments > 0 (BAD_ARGUMENT
// otherwise), gauges any; histograms cannot be incremented.
func proxyIncrementMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_increment_metric")
	m, t := vm.metric(stack[0])
	delta := int64(stack[1])
	switch {
	case t == metricHistogram || t > metricHistogram:
		stack[0] = statusBadArgument
	case m == nil:
		stack[0] = statusNotFound
	case t == metricCounter && delta <= 0:
		stack[0] = statusBadArgument
	default:
		m.value.Add(delta)
		if vm.cur != nil && t == metricCounter {
			vm.cur.counted = append(vm.cur.counted, m)
		}
		stack[0] = statusOK
	}
}

// proxyRecordMetric: on a counter Envoy adds the value; a gauge is set; a
// histogram records it.
func proxyRecordMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_record_metric")
	m, t := vm.metric(stack[0])
	switch {
	case m == nil:
		stack[0] = statusNotFound
		return
	case t == metricCounter:
		m.value.Add(int64(stack[1]))
	case t == metricGauge:
		m.value.Store(int64(stack[1]))
	default:
		m.value.Add(int64(stack[1]))
		m.count.Add(1)
	}
	stack[0] = statusOK
}

// proxyGetMetric reads a counter or gauge; a histogram is BAD_ARGUMENT.
func proxyGetMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_metric")
	m, t := vm.metric(stack[0])
	switch {
	case t >= metricHistogram:
		stack[0] = statusBadArgument
		return
	case m == nil:
		stack[0] = statusNotFound
		return
	}
	if !vm.mem.WriteUint64Le(uint32(stack[1]), uint64(m.value.Load())) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
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
