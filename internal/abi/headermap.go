package abi

import (
	"unsafe"
)

// The proxy-wasm header map wire format (little-endian): u32 count; count x
// (u32 key length, u32 value length); then each key and each value followed by
// one NUL byte (lengths exclude the NUL).

// LineFilter selects header lines by the length and last byte of their
// names, so that decoding skips the lines a plugin never reads without
// comparing names, and makes no pair for them (the plugin compares the names
// of the lines it gets). It may keep a line it was not asked for (another
// name of the same length whose last byte agrees in its low 6 bits), never
// drop one. The zero value keeps nothing; a nil *LineFilter keeps every line.
// The last byte tells apart more common names than the first: ":method" and
// ":scheme", "origin" and "accept", the access-control-request-* names.
type LineFilter struct {
	// byLen[n] has bit c&63 set to keep n-byte names ending with c;
	// byLen[maxFilteredName] is for every longer name.
	byLen [maxFilteredName + 1]uint64
}

const maxFilteredName = 64

// everyLine is the filter a nil *LineFilter stands for.
var everyLine = func() (f LineFilter) {
	for i := range f.byLen {
		f.byLen[i] = ^uint64(0)
	}
	return f
}()

// NewLineFilter keeps the lines named any of names (lowercase, as hosts
// pass header names).
func NewLineFilter(names ...string) *LineFilter {
	f := &LineFilter{}
	for _, n := range names {
		switch {
		case len(n) >= maxFilteredName:
			f.byLen[maxFilteredName] = ^uint64(0)
		case n != "":
			f.byLen[len(n)] |= 1 << (n[len(n)-1] & 63)
		}
	}
	return f
}

// keeps is 1 when f keeps a name of klen bytes ending with last, else 0.
func (f *LineFilter) keeps(last byte, klen uint64) int {
	if klen > maxFilteredName {
		klen = maxFilteredName
	}
	return int(f.byLen[klen] >> (last & 63) & 1)
}

// decodeHeaderMap parses buf into dst (reused) without copying, keeping the
// lines f keeps: the strings view buf, so they are valid only while buf is
// not reused. It never panics on malformed input, and checks every line's
// lengths, kept or not.
//
// Compiled to wasm, every branch the loop takes is a jump through Go's block
// dispatch and every index a bounds check, so the loop takes none but its
// own: lengths are read with one load per line from a buffer whose size was
// checked, and every line is written to the next free pair, which only a
// kept line keeps (measured in V8: 8 ns a line, 13 with slices and a branch).
func decodeHeaderMap(buf []byte, dst []HeaderPair, f *LineFilter) ([]HeaderPair, error) {
	dst = dst[:0]
	if len(buf) == 0 {
		return dst, nil
	}
	if len(buf) < 4 {
		return dst, ErrMalformedHeaders
	}
	n := uint64(le32(buf))
	size := uint64(len(buf))
	data := 4 + 8*n // where the names and values start
	if data > size {
		return dst, ErrMalformedHeaders
	}
	if f == nil {
		f = &everyLine
	}
	if uint64(cap(dst)) < n {
		dst = make([]HeaderPair, 0, n) // once per larger map: the caller keeps it
	}
	out := unsafe.Pointer(unsafe.SliceData(dst[:cap(dst)]))
	base := unsafe.Pointer(unsafe.SliceData(buf))
	k := uintptr(0)
	for i := uint64(0); i < n; i++ {
		// Both lengths in one load: 4+8*i+8 <= data <= size.
		lens := le64((*[8]byte)(unsafe.Add(base, 4+8*i))[:])
		klen, vlen := lens&0xffffffff, lens>>32
		next := data + klen + 1 + vlen + 1
		if next > size {
			return dst[:k], ErrMalformedHeaders
		}
		name := unsafe.Add(base, data)
		*(*HeaderPair)(unsafe.Add(out, k*unsafe.Sizeof(HeaderPair{}))) = HeaderPair{
			Name:  unsafe.String((*byte)(name), klen),
			Value: unsafe.String((*byte)(unsafe.Add(name, klen+1)), vlen),
		}
		// The name's last byte (for an empty name, the byte before it, inside
		// buf: no filter keeps empty names but everyLine, which keeps all).
		k += uintptr(f.keeps(*(*byte)(unsafe.Add(name, klen-1)), klen)) // k <= i < n <= cap(dst)
		data = next
	}
	return dst[:k], nil
}

// encodeHeaderMap appends the wire form of pairs to dst[:0].
func encodeHeaderMap(dst []byte, pairs []HeaderPair) []byte {
	dst = dst[:0]
	dst = appendLE32(dst, uint32(len(pairs)))
	for _, p := range pairs {
		dst = appendLE32(dst, uint32(len(p.Name)))
		dst = appendLE32(dst, uint32(len(p.Value)))
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
// per string, and header names and values are short.
func putBack(dst []byte, end int, s string) int {
	dst[end-1] = 0
	start := end - 1 - len(s)
	for i := 0; i < len(s); i++ {
		dst[start+i] = s[i]
	}
	return start
}

// view returns b as a string without copying (b is never nil here: an
// empty b still points into its buffer).
func view(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
