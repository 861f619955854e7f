package abi

import (
	"encoding/binary"
	"unsafe"
)

// The proxy-wasm header map wire format (little-endian): u32 count; count x
// (u32 key length, u32 value length); then each key and each value followed by
// one NUL byte (lengths exclude the NUL).

// decodeHeaderMap parses buf into dst (reused) without copying: the strings
// view buf, so they are valid only while buf is not reused. It never panics on
// malformed input.
func decodeHeaderMap(buf []byte, dst []HeaderPair) ([]HeaderPair, error) {
	dst = dst[:0]
	if len(buf) == 0 {
		return dst, nil
	}
	if len(buf) < 4 {
		return dst, ErrMalformedHeaders
	}
	n := uint64(binary.LittleEndian.Uint32(buf))
	sizes := uint64(4) + 8*n
	if sizes > uint64(len(buf)) {
		return dst, ErrMalformedHeaders
	}
	data := sizes
	for i := uint64(0); i < n; i++ {
		klen := uint64(binary.LittleEndian.Uint32(buf[4+8*i:]))
		vlen := uint64(binary.LittleEndian.Uint32(buf[8+8*i:]))
		if data+klen+1+vlen+1 > uint64(len(buf)) {
			return dst, ErrMalformedHeaders
		}
		key := view(buf[data : data+klen])
		data += klen + 1
		val := view(buf[data : data+vlen])
		data += vlen + 1
		dst = append(dst, HeaderPair{Name: key, Value: val})
	}
	return dst, nil
}

// encodeHeaderMap appends the wire form of pairs to dst[:0].
func encodeHeaderMap(dst []byte, pairs []HeaderPair) []byte {
	dst = dst[:0]
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(pairs)))
	for _, p := range pairs {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p.Name)))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p.Value)))
	}
	n := len(dst)
	for _, p := range pairs {
		n += len(p.Name) + len(p.Value) + 2
	}
	if cap(dst) < n {
		dst = append(make([]byte, 0, 2*n), dst...)
	}
	dst = dst[:n]
	at := n
	for i := len(pairs) - 1; i >= 0; i-- { // from the end, so each copy knows where it goes
		at = putBack(dst, at, pairs[i].Value)
		at = putBack(dst, at, pairs[i].Name)
	}
	return dst
}

// putBack writes s and a NUL just before dst[end] and returns where s starts.
// A byte loop, not copy: in the wasm guest copy is a runtime call (memmove)
// per string, and header names and values are short (issue 14).
func putBack(dst []byte, end int, s string) int {
	dst[end-1] = 0
	start := end - 1 - len(s)
	for i := 0; i < len(s); i++ {
		dst[start+i] = s[i]
	}
	return start
}

// view returns b as a string without copying.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
