//go:build wasip1

package main

import "unsafe"

// Host calls, declared as internal/abi declares them. Out-parameters are
// package variables so that no call allocates.
//
//go:wasmimport env proxy_get_buffer_bytes
func proxyGetBufferBytes(bufferType, start, maxSize uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_get_header_map_pairs
func proxyGetHeaderMapPairs(mapType uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_set_header_map_pairs
func proxySetHeaderMapPairs(mapType uint32, ptr unsafe.Pointer, size uint32) uint32

//go:wasmimport env proxy_get_header_map_value
func proxyGetHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_add_header_map_value
func proxyAddHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32, value unsafe.Pointer, valueLen uint32) uint32

//go:wasmimport env proxy_replace_header_map_value
func proxyReplaceHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32, value unsafe.Pointer, valueLen uint32) uint32

//go:wasmimport env proxy_remove_header_map_value
func proxyRemoveHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32) uint32

//go:wasmimport env proxy_send_local_response
func proxySendLocalResponse(status uint32, details unsafe.Pointer, detailsLen uint32, body unsafe.Pointer, bodyLen uint32, headers unsafe.Pointer, headersLen uint32, grpcStatus int32) uint32

//go:wasmimport env proxy_define_metric
func proxyDefineMetric(metricType uint32, name unsafe.Pointer, nameLen uint32, id *uint32) uint32

//go:wasmimport env proxy_increment_metric
func proxyIncrementMetric(id uint32, delta int64) uint32

//go:wasmimport env proxy_get_log_level
func proxyGetLogLevel(level *uint32) uint32

var (
	outPtr, outSize, outLevel, metricID uint32
	arena                               = make([]byte, 1<<16)
	script                              [numPhases][]op
)

const metricName = "floor.counter"

func ptr(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

// proxy_on_memory_allocate hands out one reused buffer, grown when needed,
// as internal/abi's arena does.
//
//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) unsafe.Pointer {
	if int(size) > len(arena) {
		arena = make([]byte, 2*int(size))
	}
	return unsafe.Pointer(&arena[0])
}

//go:wasmexport proxy_on_context_create
func onContextCreate(id, parent uint32) {}

//go:wasmexport proxy_on_vm_start
func onVMStart(root, size uint32) bool { return true }

//go:wasmexport proxy_on_configure
func onConfigure(root, size uint32) bool {
	if proxyGetBufferBytes(7, 0, size, &outPtr, &outSize) != 0 && size != 0 {
		return false
	}
	var cfg string
	if outSize > 0 {
		cfg = string(arena[:outSize])
	}
	s, ok := parseScript(cfg)
	if !ok {
		return false
	}
	script = s
	proxyDefineMetric(0, ptr(metricName), uint32(len(metricName)), &metricID)
	return true
}

// run makes the phase's host calls on map m and returns the callback's
// action. Its recovery is the filter's: one deferred closure that recovers
// only when the body did not finish.
func run(ph int, m uint32) (action uint32) {
	finished := false
	defer func() {
		if !finished {
			recover()
		}
	}()
	for i := range script[ph] {
		o := &script[ph][i]
		switch o.kind {
		case 'v':
			proxyGetHeaderMapValue(m, ptr(o.name), uint32(len(o.name)), &outPtr, &outSize)
		case 'p':
			proxyGetHeaderMapPairs(m, &outPtr, &outSize)
		case 'a':
			proxyAddHeaderMapValue(m, ptr(o.name), uint32(len(o.name)), ptr(o.value), uint32(len(o.value)))
		case 'c':
			proxyReplaceHeaderMapValue(m, ptr(o.name), uint32(len(o.name)), ptr(o.value), uint32(len(o.value)))
		case 'x':
			proxyRemoveHeaderMapValue(m, ptr(o.name), uint32(len(o.name)))
		case 'P':
			proxySetHeaderMapPairs(m, unsafe.Pointer(&o.headers[0]), uint32(len(o.headers)))
		case 'm':
			proxyIncrementMetric(metricID, 1)
		case 'g':
			proxyGetLogLevel(&outLevel)
		case 'r':
			proxySendLocalResponse(o.status, ptr(o.name), uint32(len(o.name)), nil, 0,
				unsafe.Pointer(&o.headers[0]), uint32(len(o.headers)), -1)
			action = 1
		}
	}
	finished = true
	return action
}

// The exports are the filter's: no proxy_on_log and no proxy_on_done (a host
// skips callbacks a module does not export), so the floor's stream pays the
// same export calls as the filter's.

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, n, eos uint32) uint32 { return run(phaseRequest, 0) }

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, eos uint32) uint32 { return run(phaseResponse, 2) }

//go:wasmexport proxy_on_delete
func onDelete(id uint32) {}
