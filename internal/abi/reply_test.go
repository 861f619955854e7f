package abi

import (
	"slices"
	"strings"
	"testing"
)

// A reply encoded once and filled in must decode to the same lines as one
// encoded whole, whatever the value (longer ones grow the buffer), and
// filling in a shorter value after a longer one must leave nothing behind.
func TestReplyHeaders(t *testing.T) {
	lines := []HeaderPair{{"access-control-allow-methods", "PUT"}, {"vary", "Origin"}, {"access-control-allow-origin", ""}}
	for _, c := range []struct {
		name   string
		lines  []HeaderPair
		varies bool
		values []string
	}{
		{"varying last value", lines, true, []string{"https://app.example.com", "", "https://" + strings.Repeat("a", 300) + ".example", "http://x"}},
		{"fixed lines", lines[:2], false, []string{"ignored"}},
		{"one varying line", lines[2:], true, []string{"https://a.example", "null"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rh := NewReplyHeaders(c.lines, c.varies)
			for _, v := range c.values {
				want := slices.Clone(c.lines)
				if c.varies {
					want[len(want)-1].Value = v
				}
				got, err := decodeHeaderMap(rh.encode(v), nil, nil)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("value %q: decoded %q (%v), want %q", v, got, err, want)
				}
				if !slices.Equal(encodeHeaderMap(nil, want), rh.encode(v)) {
					t.Fatalf("value %q: not the bytes of a whole encoding", v)
				}
			}
		})
	}
}
