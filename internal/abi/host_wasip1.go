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

// Out-parameters of host calls live in package variables: a local whose
// address goes to a wasmimport escapes to the heap, which would cost an
// allocation per call. The module is single-threaded, so sharing is safe.
var outPtr, outSize, outLevel, outID uint32

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
	if err := statusError(proxyGetBufferBytes(bufferPluginConfig, 0, maxBufferBytes, &outPtr, &outSize)); err != nil {
		return nil, err
	}
	b, err := fetched(outPtr, outSize)
	// Configuration time: a private copy costs nothing and outlives the arena.
	return append([]byte(nil), b...), err
}

func (h *wasmHost) headers(mapType uint32) ([]HeaderPair, error) {
	if err := statusError(proxyGetHeaderMapPairs(mapType, &outPtr, &outSize)); err != nil {
		return nil, err
	}
	b, err := fetched(outPtr, outSize)
	if err != nil {
		return nil, err
	}
	h.pairs, err = decodeHeaderMap(b, h.pairs)
	return h.pairs, err
}

func (h *wasmHost) header(mapType uint32, name string) (string, bool, error) {
	st := proxyGetHeaderMapValue(mapType, stringPtr(name), uint32(len(name)), &outPtr, &outSize)
	if st == statusNotFound {
		return "", false, nil // no allocation happened: the cheap path
	}
	if err := statusError(st); err != nil {
		return "", false, err
	}
	b, err := fetched(outPtr, outSize)
	return view(b), err == nil, err
}

func (h *wasmHost) RequestHeader(name string) (string, bool, error) {
	return h.header(mapRequestHeaders, name)
}

func (h *wasmHost) ResponseHeader(name string) (string, bool, error) {
	return h.header(mapResponseHeaders, name)
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
	if proxyGetLogLevel(&outLevel) != statusOK {
		return true // unknown: let the host filter
	}
	return uint32(level) >= outLevel
}

func (h *wasmHost) DefineCounter(name string) (uint32, error) {
	err := statusError(proxyDefineMetric(metricCounter, stringPtr(name), uint32(len(name)), &outID))
	return outID, err
}

func (h *wasmHost) IncrementCounter(id uint32, delta int64) error {
	return statusError(proxyIncrementMetric(id, delta))
}
