package wasmhost

import (
	"context"
	"strings"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
)

// The header map host calls (abi.go has the table of every env function).

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
	writeHeaderMapValue(ctx, "proxy_add_header_map_value", stack, (*headerMap).add) // Context::addHeaderMapValue -> addCopy
}

func proxyReplaceHeaderMapValue(ctx context.Context, _ api.Module, stack []uint64) {
	writeHeaderMapValue(ctx, "proxy_replace_header_map_value", stack, (*headerMap).replace) // Context::replaceHeaderMapValue -> setCopy
}

// writeHeaderMapValue is add and replace: (map, key, key length, value,
// value length) -> status; the key is copied, as Envoy copies it.
func writeHeaderMapValue(ctx context.Context, name string, stack []uint64, write func(*headerMap, inlineSet, string, string)) {
	vm := enter(ctx, name)
	h, in, st := vm.writableMap(stack[0])
	key, ok1 := vm.key(stack[1], stack[2])
	value, ok2 := vm.readString(stack[3], stack[4])
	if st == statusOK && (!ok1 || !ok2) {
		st = statusInvalidMemory
	}
	if st == statusOK {
		write(h, in, strings.Clone(key), value)
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
