package abi

import (
	"encoding/binary"
	"slices"
	"strings"
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
		got, err := decodeHeaderMap(buf, nil, nil)
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
		if _, err := decodeHeaderMap(buf, nil, nil); err != ErrMalformedHeaders {
			t.Errorf("%s: err = %v, want ErrMalformedHeaders", name, err)
		}
	}
}

func TestHeaderMapDecodeAllocatesNothing(t *testing.T) {
	buf := encodeHeaderMap(nil, []HeaderPair{{":method", "GET"}, {"origin", "https://a.example"}})
	dst := make([]HeaderPair, 0, 8)
	if n := testing.AllocsPerRun(100, func() { dst, _ = decodeHeaderMap(buf, dst, nil) }); n != 0 {
		t.Fatalf("decode allocates %v times per call", n)
	}
}

func FuzzDecodeHeaderMap(f *testing.F) {
	f.Add(encodeHeaderMap(nil, []HeaderPair{{"origin", "https://a.example"}, {"x", ""}}))
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, buf []byte) {
		pairs, err := decodeHeaderMap(buf, nil, nil) // must never panic
		if err != nil {
			return
		}
		// Whatever decodes re-encodes to a prefix-equivalent map.
		again, err := decodeHeaderMap(encodeHeaderMap(nil, pairs), nil, nil)
		if err != nil || !slices.Equal(again, pairs) {
			t.Fatalf("re-encode of %q: %q, %v", pairs, again, err)
		}
		// A filter keeps the lines it names (and perhaps a few others), in order.
		kept, err := decodeHeaderMap(buf, nil, lineFilter)
		if err != nil {
			t.Fatalf("filtered decode failed (%v) where the whole one did not", err)
		}
		want := slices.DeleteFunc(slices.Clone(pairs), func(p HeaderPair) bool {
			return p.Name == "" || lineFilter.keeps(p.Name[len(p.Name)-1], uint64(len(p.Name))) == 0
		})
		if !slices.Equal(kept, want) {
			t.Fatalf("filtered %q: %q, want %q", pairs, kept, want)
		}
		for _, p := range pairs {
			if slices.Contains(filtered, p.Name) && !slices.Contains(kept, p) {
				t.Fatalf("filter dropped %q", p)
			}
		}
	})
}

var (
	filtered   = []string{"origin", "vary", ":method", "access-control-request-headers", strings.Repeat("x", 70)}
	lineFilter = NewLineFilter(filtered...)
)

func TestLineFilter(t *testing.T) {
	pairs := []HeaderPair{{":method", "GET"}, {"origin", "a"}, {"accept", "x"}, {"oRigin", "b"}, {"vary", "v"},
		{"x-a", ""}, {"access-control-request-headers", "h"}, {strings.Repeat("x", 70), "l"}, {strings.Repeat("y", 70), "m"}}
	got, err := decodeHeaderMap(encodeHeaderMap(nil, pairs), nil, lineFilter)
	// "oRigin" is kept: the filter compares lengths and last bytes only.
	want := []HeaderPair{pairs[0], pairs[1], pairs[3], pairs[4], pairs[6], pairs[7], pairs[8]}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("kept %q (%v), want %q", got, err, want)
	}
	if got, _ := decodeHeaderMap(encodeHeaderMap(nil, pairs), nil, &LineFilter{}); len(got) != 0 {
		t.Fatalf("the zero filter kept %q", got)
	}
}
