package abi

import (
	"encoding/binary"
	"slices"
	"testing"
)

func TestHeaderMapRoundTrip(t *testing.T) {
	cases := [][]HeaderPair{
		nil,
		{{":method", "OPTIONS"}},
		{{"origin", "https://a.example"}, {"origin", "https://b.example"}, {"x-empty", ""}, {"", ""}},
		{{"access-control-request-headers", "a, b,, c"}, {"vary", "Origin\x00inside"}},
	}
	for _, pairs := range cases {
		buf := encodeHeaderMap(nil, pairs)
		got, err := decodeHeaderMap(buf, nil)
		if err != nil {
			t.Fatalf("decode(encode(%q)): %v", pairs, err)
		}
		if !slices.Equal(got, pairs) && !(len(got) == 0 && len(pairs) == 0) {
			t.Errorf("round trip: got %q, want %q", got, pairs)
		}
	}
}

func TestHeaderMapWireFormat(t *testing.T) {
	// One pair "ab": "c" — count, two sizes, then NUL-terminated key and value.
	want := []byte{1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'a', 'b', 0, 'c', 0}
	if got := encodeHeaderMap(nil, []HeaderPair{{"ab", "c"}}); !slices.Equal(got, want) {
		t.Fatalf("encode: got %v, want %v", got, want)
	}
}

func TestHeaderMapRefusesMalformed(t *testing.T) {
	huge := binary.LittleEndian.AppendUint32(nil, 0xFFFFFFFF)
	long := binary.LittleEndian.AppendUint32(nil, 1)
	long = binary.LittleEndian.AppendUint32(long, 0xFFFFFFF0)
	long = binary.LittleEndian.AppendUint32(long, 1)
	for name, buf := range map[string][]byte{
		"short count":    {1, 0},
		"count too big":  huge,
		"sizes past end": {2, 0, 0, 0, 1, 0, 0, 0},
		"key past end":   long,
		"missing NUL":    {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 'b'},
	} {
		if _, err := decodeHeaderMap(buf, nil); err != ErrMalformedHeaders {
			t.Errorf("%s: err = %v, want ErrMalformedHeaders", name, err)
		}
	}
}

func TestHeaderMapDecodeAllocatesNothing(t *testing.T) {
	buf := encodeHeaderMap(nil, []HeaderPair{{":method", "GET"}, {"origin", "https://a.example"}})
	dst := make([]HeaderPair, 0, 8)
	if n := testing.AllocsPerRun(100, func() { dst, _ = decodeHeaderMap(buf, dst) }); n != 0 {
		t.Fatalf("decode allocates %v times per call", n)
	}
}

func FuzzDecodeHeaderMap(f *testing.F) {
	f.Add(encodeHeaderMap(nil, []HeaderPair{{"origin", "https://a.example"}, {"x", ""}}))
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, buf []byte) {
		pairs, err := decodeHeaderMap(buf, nil) // must never panic
		if err != nil {
			return
		}
		// Whatever decodes re-encodes to a prefix-equivalent map.
		again, err := decodeHeaderMap(encodeHeaderMap(nil, pairs), nil)
		if err != nil || !slices.Equal(again, pairs) {
			t.Fatalf("re-encode of %q: %q, %v", pairs, again, err)
		}
	})
}
