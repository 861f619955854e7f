//go:build wasip1

package abi

import "unsafe"

// wasmHost implements Host over the proxy-wasm imports. Every host call that
// returns data writes it into the guest's arena (see proxyOnMemoryAllocate);
// header views and the encode buffer are reused, so the request path
// allocates nothing in steady state.
type wasmHost struct {
	pairs []HeaderPair
	enc   []byte
}

// NewHost returns the Host of the running proxy.
func NewHost() Host { return &wasmHost{} }

// fetched returns the bytes the host wrote for a call that returned ptr and
// size. The host must have written them into the buffer our allocator handed
// out; anything else is refused rather than dereferenced.
func fetched(ptr, size uint32) ([]byte, error) {
	if size == 0 {
		return nil, nil
	}
	buf := mem.last
	if len(buf) < int(size) || uint32(uintptr(unsafe.Pointer(unsafe.SliceData(buf)))) != ptr {
		return nil, ErrInvalidMemory
	}
	return buf[:size], nil
}

func (h *wasmHost) PluginConfig() ([]byte, error) {
	var ptr, size uint32
	if err := statusError(proxyGetBufferBytes(bufferPluginConfig, 0, maxBufferBytes, &ptr, &size)); err != nil {
		return nil, err
	}
	b, err := fetched(ptr, size)
	// Configuration time: a private copy costs nothing and outlives the arena.
	return append([]byte(nil), b...), err
}

func (h *wasmHost) headers(mapType uint32) ([]HeaderPair, error) {
	var ptr, size uint32
	if err := statusError(proxyGetHeaderMapPairs(mapType, &ptr, &size)); err != nil {
		return nil, err
	}
	b, err := fetched(ptr, size)
	if err != nil {
		return nil, err
	}
	h.pairs, err = decodeHeaderMap(b, h.pairs)
	return h.pairs, err
}

func (h *wasmHost) RequestHeaders() ([]HeaderPair, error) { return h.headers(mapRequestHeaders) }

func (h *wasmHost) ResponseHeaders() ([]HeaderPair, error) { return h.headers(mapResponseHeaders) }

func (h *wasmHost) AddResponseHeader(name, value string) error {
	return statusError(proxyAddHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name)), stringPtr(value), uint32(len(value))))
}

func (h *wasmHost) ReplaceResponseHeader(name, value string) error {
	return statusError(proxyReplaceHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name)), stringPtr(value), uint32(len(value))))
}

func (h *wasmHost) RemoveResponseHeader(name string) error {
	return statusError(proxyRemoveHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name))))
}

func (h *wasmHost) SendLocalReply(status uint32, details string, headers []HeaderPair) error {
	h.enc = encodeHeaderMap(h.enc, headers)
	return statusError(proxySendLocalResponse(status, stringPtr(details), uint32(len(details)), nil, 0,
		unsafe.Pointer(unsafe.SliceData(h.enc)), uint32(len(h.enc)), grpcStatusNone))
}

func (h *wasmHost) Log(level LogLevel, msg string) {
	proxyLog(uint32(level), stringPtr(msg), uint32(len(msg)))
}

func (h *wasmHost) LogEnabled(level LogLevel) bool {
	var current uint32
	if proxyGetLogLevel(&current) != statusOK {
		return true // unknown: let the host filter
	}
	return uint32(level) >= current
}

func (h *wasmHost) DefineCounter(name string) (uint32, error) {
	var id uint32
	err := statusError(proxyDefineMetric(metricCounter, stringPtr(name), uint32(len(name)), &id))
	return id, err
}

func (h *wasmHost) IncrementCounter(id uint32, delta int64) error {
	return statusError(proxyIncrementMetric(id, delta))
}
