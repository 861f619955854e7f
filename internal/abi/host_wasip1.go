//go:build wasip1

package abi

import "unsafe"

// Host talks to the proxy through the proxy-wasm imports. Every host call that
// returns data writes it into the guest's arena (see proxyOnMemoryAllocate);
// header views and the encode buffer are reused, so the request path
// allocates nothing in steady state.
type Host struct {
	pairs []HeaderPair
	enc   []byte
}

// Out-parameters of host calls live in package variables: a local whose
// address goes to a wasmimport escapes to the heap, which would cost an
// allocation per call. The module is single-threaded, so sharing is safe.
var outPtr, outSize, outLevel, outID uint32

// NewHost returns the Host of the running proxy.
func NewHost() *Host { return &Host{} }

var _ hostAPI = (*Host)(nil)

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

func (h *Host) PluginConfig() ([]byte, error) {
	if err := statusError(proxyGetBufferBytes(bufferPluginConfig, 0, maxBufferBytes, &outPtr, &outSize)); err != nil {
		return nil, err
	}
	b, err := fetched(outPtr, outSize)
	// Configuration time: a private copy costs nothing and outlives the arena.
	return append([]byte(nil), b...), err
}

func (h *Host) headers(mapType uint32, f *LineFilter) ([]HeaderPair, error) {
	if err := statusError(proxyGetHeaderMapPairs(mapType, &outPtr, &outSize)); err != nil {
		return nil, err
	}
	b, err := fetched(outPtr, outSize)
	if err != nil {
		return nil, err
	}
	h.pairs, err = decodeHeaderMap(b, h.pairs, f)
	return h.pairs, err
}

// header is small enough to be inlined into callers (one wasm call
// less per lookup); the rare error path calls out.
func (h *Host) header(mapType uint32, name string) (string, bool, error) {
	switch proxyGetHeaderMapValue(mapType, stringPtr(name), uint32(len(name)), &outPtr, &outSize) {
	case statusOK:
		return fetchedValue()
	case statusNotFound:
		return "", false, nil // no allocation happened: the cheap path
	}
	return "", false, ErrInternalFailure
}

// fetchedValue is the value the last lookup found.
func fetchedValue() (string, bool, error) {
	b, err := fetched(outPtr, outSize)
	return view(b), err == nil, err
}

func (h *Host) RequestHeader(name string) (string, bool, error) {
	return h.header(mapRequestHeaders, name)
}

func (h *Host) ResponseHeader(name string) (string, bool, error) {
	return h.header(mapResponseHeaders, name)
}

func (h *Host) RequestHeaders(f *LineFilter) ([]HeaderPair, error) {
	return h.headers(mapRequestHeaders, f)
}

func (h *Host) ResponseHeaders(f *LineFilter) ([]HeaderPair, error) {
	return h.headers(mapResponseHeaders, f)
}

// The response header writes ignore the host's status, like Count: they are
// small enough to be inlined into the filter's response path.

func (h *Host) AddResponseHeader(name, value string) {
	proxyAddHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name)), stringPtr(value), uint32(len(value)))
}

func (h *Host) ReplaceResponseHeader(name, value string) {
	proxyReplaceHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name)), stringPtr(value), uint32(len(value)))
}

func (h *Host) RemoveResponseHeader(name string) {
	proxyRemoveHeaderMapValue(mapResponseHeaders, stringPtr(name), uint32(len(name)))
}

func (h *Host) SendLocalReply(status uint32, details string, headers []HeaderPair) error {
	h.enc = encodeHeaderMap(h.enc, headers)
	return statusError(proxySendLocalResponse(status, stringPtr(details), uint32(len(details)), nil, 0,
		unsafe.Pointer(unsafe.SliceData(h.enc)), uint32(len(h.enc)), grpcStatusNone))
}

func (h *Host) Log(level LogLevel, msg string) {
	proxyLog(uint32(level), stringPtr(msg), uint32(len(msg)))
}

func (h *Host) LogEnabled(level LogLevel) bool {
	if proxyGetLogLevel(&outLevel) != statusOK {
		return true // unknown: let the host filter
	}
	return uint32(level) >= outLevel
}

func (h *Host) DefineCounter(name string) (uint32, error) {
	err := statusError(proxyDefineMetric(metricCounter, stringPtr(name), uint32(len(name)), &outID))
	return outID, err
}

// Count adds one to a counter, ignoring failure (a lost metric point must
// not fail a request); small enough to be inlined into the hot path.
func (h *Host) Count(id uint32) { proxyIncrementMetric(id, 1) }

func (h *Host) IncrementCounter(id uint32, delta int64) error {
	return statusError(proxyIncrementMetric(id, delta))
}

// SendReply is SendLocalReply with lines encoded at configure time, value
// being the last line's value when it varies (ReplyHeaders.encode, written
// out here: one call less per reply; wasm is little-endian, so the length is
// stored as one integer).
func (h *Host) SendReply(status uint32, details string, rh *ReplyHeaders, value string) error {
	b := rh.wire
	if rh.slot >= 0 {
		n := len(rh.wire) + len(value) + 1
		if n > cap(rh.wire) {
			rh.grow(n)
		}
		b = rh.wire[:n]
		*(*uint32)(unsafe.Pointer(&b[rh.slot])) = uint32(len(value))
		copy(b[len(rh.wire):], value)
		b[n-1] = 0
	}
	st := proxySendLocalResponse(status, stringPtr(details), uint32(len(details)), nil, 0,
		unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b)), grpcStatusNone)
	if st != statusOK {
		return statusError(st)
	}
	return nil
}
