//go:build wasip1

package main

import (
	"strconv"
	"strings"
	"unsafe"
)

// The proxy-wasm ABI v0.2.1 host functions the plugin calls.

//go:wasmimport env proxy_log
func proxyLog(level uint32, msg *byte, n uint32) uint32

//go:wasmimport env proxy_get_buffer_bytes
func getBuffer(kind, start, max uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_get_header_map_value
func getHeader(kind uint32, key *byte, keyLen uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_add_header_map_value
func addHeader(kind uint32, key *byte, keyLen uint32, value *byte, valueLen uint32) uint32

//go:wasmimport env proxy_send_local_response
func sendLocal(status uint32, details *byte, detailsLen uint32, body *byte, bodyLen uint32, headers *byte, headersLen uint32, grpc int32) uint32

//go:wasmimport env proxy_define_metric
func defineMetric(kind uint32, name *byte, nameLen uint32, id *uint32) uint32

//go:wasmimport env proxy_increment_metric
func incrementMetric(id uint32, delta int64) uint32

const (
	logCritical        = 5
	pluginConfig       = 7
	requestHeaders     = 0
	responseHeaders    = 2
	counter            = 0
	actionContinue     = 0
	actionPause        = 1
	noGRPCStatus       = -1
	forbiddenPrefix    = "/admin/"
	forbiddenDetails   = "tag_forbidden"
	forbiddenBody      = "forbidden\n"
	requestCounterName = "tag.requests"
)

var (
	tagName, tagValue string
	requestsID        uint32
)

// arena is where the host writes the data it returns. The plugin reads that
// data within the callback that asked for it, so the arena starts over at
// each callback. A real plugin needs a real allocator; 64 KiB is plenty here.
var (
	arena     [64 << 10]byte
	arenaNext uint32
)

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) unsafe.Pointer {
	if uint64(arenaNext)+uint64(size) > uint64(len(arena)) {
		panic("tagplugin: arena exhausted")
	}
	p := unsafe.Pointer(&arena[arenaNext])
	arenaNext += (size + 7) &^ 7
	return p
}

//go:wasmexport proxy_on_context_create
func onContextCreate(id, parent uint32) {}

//go:wasmexport proxy_on_configure
func onConfigure(root, size uint32) bool {
	arenaNext = 0
	var ptr, n uint32
	config := ""
	if getBuffer(pluginConfig, 0, size, &ptr, &n) == 0 && n > 0 {
		config = hostData(ptr, n)
	}
	name, value, ok := strings.Cut(config, ": ")
	if !ok || name == "" || strings.ContainsAny(name, " \r\n") || strings.ContainsAny(value, "\r\n") {
		logLine(logCritical, "tagplugin: the configuration must be one header line \"name: value\", got "+strconv.Quote(config))
		return false
	}
	tagName, tagValue = strings.ToLower(name), value
	defineMetric(counter, unsafe.StringData(requestCounterName), uint32(len(requestCounterName)), &requestsID)
	return true
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, n, endOfStream uint32) uint32 {
	arenaNext = 0
	incrementMetric(requestsID, 1)
	if !strings.HasPrefix(header(requestHeaders, ":path"), forbiddenPrefix) {
		return actionContinue
	}
	sendLocal(403, unsafe.StringData(forbiddenDetails), uint32(len(forbiddenDetails)),
		unsafe.StringData(forbiddenBody), uint32(len(forbiddenBody)), nil, 0, noGRPCStatus)
	return actionPause
}

// proxy_on_response_headers runs on the upstream's response and, as in
// Envoy, on the plugin's own local reply.
//
//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, endOfStream uint32) uint32 {
	arenaNext = 0
	addHeader(responseHeaders, unsafe.StringData(tagName), uint32(len(tagName)), unsafe.StringData(tagValue), uint32(len(tagValue)))
	return actionContinue
}

//go:wasmexport proxy_on_done
func onDone(id uint32) bool { return true }

//go:wasmexport proxy_on_delete
func onDelete(id uint32) {}

// header returns the first value of a header, or "" (a copy: the arena is
// reused by the next callback).
func header(kind uint32, name string) string {
	var ptr, n uint32
	if getHeader(kind, unsafe.StringData(name), uint32(len(name)), &ptr, &n) != 0 || n == 0 {
		return ""
	}
	return hostData(ptr, n)
}

// hostData copies n bytes the host wrote at ptr, which the allocator handed
// out from the arena.
func hostData(ptr, n uint32) string {
	off := ptr - uint32(uintptr(unsafe.Pointer(&arena[0])))
	return string(arena[off : off+n])
}

func logLine(level uint32, msg string) {
	proxyLog(level, unsafe.StringData(msg), uint32(len(msg)))
}
