package policy

import (
	"strconv"
	"strings"
	"unsafe"
)

// maxDetailBytes bounds what AppendDetail writes: the longest explanation,
// ": ", the refused value quoted with every byte escaped (at most 4 bytes
// each, "\x01"), the quotes and the "..." marker.
const maxDetailBytes = 80 + 2 + 4*MaxRefusedBytes + 2 + 3

// refused is the request value a rejection names: a bounded copy owned by the
// Decision (the request's strings view memory the caller reuses).
type refused struct {
	b        [MaxRefusedBytes]byte
	n        uint8
	set, cut bool
}

// refuse records v as the refused value, keeping at most MaxRefusedBytes.
func (d *Decision) refuse(v string) {
	d.refused.n = uint8(copy(d.refused.b[:], v))
	d.refused.set, d.refused.cut = true, len(v) > MaxRefusedBytes
}

// refuseFrom records the value of r that the rejection's detail is about.
// Requested headers are recorded by checkHeaders, which knows the element.
func (d *Decision) refuseFrom(r *Request) {
	switch d.Detail {
	case DetailOriginRepeated:
		// Name the first origin, also when the host joined the lines with ","
		// (Envoy does: wasmhost/inline.go).
		first := r.Origin
		if i := strings.IndexByte(first, ','); i >= 0 {
			first = first[:i]
		}
		d.refuse(first)
	case DetailOriginNotAllowed, DetailOriginTooLong:
		d.refuse(r.Origin)
	case DetailMethodNotAllowed, DetailMethodMalformed, DetailMethodForbidden, DetailMethodTooLong, DetailMethodRepeated:
		// The first method, also when the host joined several lines with ",".
		first := r.ACRM
		if i := strings.IndexByte(first, ','); i >= 0 {
			first = first[:i]
		}
		d.refuse(first)
	}
}

// Refused returns the request value the rejection names (raw bytes, not
// escaped: escape before writing it anywhere) and whether it was cut at
// MaxRefusedBytes; named is false for rejections that name no single value
// (too many requested headers, private network access) and for allowed
// requests.
func (d *Decision) Refused() (value string, cut, named bool) {
	if d.refused.n == 0 {
		return "", false, d.refused.set
	}
	return unsafe.String(&d.refused.b[0], int(d.refused.n)), d.refused.cut, true
}

// AppendDetail appends the rejection's explanation and, when it names one,
// the refused value, quoted and escaped to printable ASCII, e.g.
// `headers: a requested header is not allowed: "x-evil"`; a cut value ends
// with `...` after the closing quote. With room for maxDetailBytes in dst it
// does not allocate.
func (d *Decision) AppendDetail(dst []byte) []byte {
	dst = append(dst, d.Detail.String()...)
	v, cut, named := d.Refused()
	if !named {
		return dst
	}
	dst = append(dst, ": "...)
	dst = strconv.AppendQuoteToASCII(dst, v)
	if cut {
		dst = append(dst, "..."...)
	}
	return dst
}
