package abi

// ReplyHeaders are a local reply's header lines encoded once, at configure
// time, except for the value of the last line when it varies from reply to
// reply (an echoed Origin): sending such a reply then copies that one value
// into place instead of encoding every line (SendReply).
type ReplyHeaders struct {
	lines []HeaderPair // as given; the last value is filled in per reply
	// wire is the encoded map up to the NUL after the last name when the
	// last value varies (it goes at len(wire), followed by a NUL), else all
	// of it; slot is the offset of the last value's length, -1 when fixed.
	wire []byte
	slot int
}

// replyValueRoom is the room kept after the fixed lines for the varying value:
// enough for most origins; a longer one grows the buffer once.
const replyValueRoom = 128

// NewReplyHeaders encodes lines. When lastVaries, the last line's value is
// not encoded: each reply gives it (SendReply).
func NewReplyHeaders(lines []HeaderPair, lastVaries bool) *ReplyHeaders {
	rh := &ReplyHeaders{lines: append([]HeaderPair(nil), lines...), slot: -1}
	wire := encodeHeaderMap(nil, lines)
	if lastVaries && len(lines) > 0 {
		last := len(lines) - 1
		rh.slot = 8 + 8*last
		wire = wire[:len(wire)-len(lines[last].Value)-1]
		putLE32(wire[rh.slot:], 0)
	}
	rh.wire = append(make([]byte, 0, len(wire)+replyValueRoom), wire...)
	return rh
}

// grow makes room for n bytes: a longer value than any before.
func (rh *ReplyHeaders) grow(n int) {
	rh.wire = append(make([]byte, 0, n+replyValueRoom), rh.wire...)
}

// encode returns the wire form of the lines with value as the last value
// (ignored when no value varies), in memory rh reuses. Host.SendReply of the
// wasm build does the same in its own body.
func (rh *ReplyHeaders) encode(value string) []byte {
	if rh.slot < 0 {
		return rh.wire
	}
	n := len(rh.wire) + len(value) + 1
	if n > cap(rh.wire) {
		rh.grow(n)
	}
	b := rh.wire[:n]
	putLE32(b[rh.slot:], uint32(len(value)))
	copy(b[len(rh.wire):], value)
	b[n-1] = 0
	return b
}
