package origins

import "github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"

// hashSet is a set of non-empty strings in an open-addressing table: the
// exact allowed origins in the wasm guest (stringSet). A Go map would do, but
// in the guest its lookup is five calls (the map access, the string hash and
// its fallbacks, memequal); this one hashes and compares 8 bytes at a time
// (a byte loop costs the guest 1-4 ns a byte) and compares strings only when
// their hashes are equal. Natively the map is twice as fast, so native builds
// use it (mapSet). Origins come from the configuration, and the table stays
// at most half full, so a request's Origin, whatever it is, probes a short run.
type hashSet struct {
	slots []hashSlot // s == "" marks an empty slot; length is a power of two
	n     int
}

type hashSlot struct {
	s string
	h uint32
}

// hashString mixes s 8 bytes at a time (the last word overlaps the one
// before it; strings under 8 bytes are gathered byte by byte).
func hashString(s string) uint32 {
	const m = 0x9e3779b97f4a7c15
	h := uint64(len(s)) * m
	n := len(s)
	if n < 8 {
		var t uint64
		for i := n - 1; i >= 0; i-- {
			t = t<<8 | uint64(s[i])
		}
		h = (h ^ t) * m
	} else {
		for i := 0; i < n-8; i += 8 {
			h = (h ^ bytecmp.Word(s, i)) * m
			h ^= h >> 29
		}
		h = (h ^ bytecmp.Word(s, n-8)) * m
	}
	h ^= h >> 32
	return uint32(h)
}

// has reports whether s is in the set. It is on the request path, so it
// hashes and compares in its own body: a helper is one more call per lookup
// in the wasm guest (hashString and equalWords hold the same code, and
// TestStringSet checks has against add, which uses them).
func (t *hashSet) has(s string) bool {
	if t.n == 0 {
		return false
	}
	const m = 0x9e3779b97f4a7c15
	n := len(s)
	h64 := uint64(n) * m
	if n < 8 {
		var w uint64
		for i := n - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h64 = (h64 ^ w) * m
	} else {
		for i := 0; i < n-8; i += 8 {
			h64 = (h64 ^ bytecmp.Word(s, i)) * m
			h64 ^= h64 >> 29
		}
		h64 = (h64 ^ bytecmp.Word(s, n-8)) * m
	}
	h64 ^= h64 >> 32
	h := uint32(h64)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		x := &t.slots[i]
		if x.s == "" {
			return false
		}
		if x.h != h || len(x.s) != n {
			continue
		}
		if n < 8 {
			if bytecmp.Equal(x.s, s) {
				return true
			}
			continue
		}
		j := 0
		for j < n-8 && bytecmp.Word(x.s, j) == bytecmp.Word(s, j) {
			j += 8
		}
		if j >= n-8 && bytecmp.Word(x.s, n-8) == bytecmp.Word(s, n-8) {
			return true
		}
	}
}

// add inserts s (non-empty) and reports whether it was new.
func (t *hashSet) add(s string) bool {
	if t.find(s) {
		return false
	}
	if (t.n+1)*2 > len(t.slots) {
		old := t.slots
		t.slots, t.n = make([]hashSlot, max(16, 2*len(old))), 0
		for _, x := range old {
			if x.s != "" {
				t.insert(x.s)
			}
		}
	}
	t.insert(s)
	return true
}

// find is has through hashString and equalString, for add: TestStringSet
// holds has equal to it.
func (t *hashSet) find(s string) bool {
	if t.n == 0 {
		return false
	}
	h := hashString(s)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		x := &t.slots[i]
		if x.s == "" {
			return false
		}
		if x.h == h && bytecmp.EqualString(x.s, s) {
			return true
		}
	}
}

func (t *hashSet) insert(s string) {
	h := hashString(s)
	mask := uint32(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].s != "" {
		i = (i + 1) & mask
	}
	t.slots[i] = hashSlot{s, h}
	t.n++
}

// mapSet is hashSet's interface over a Go map, for native builds.
type mapSet struct {
	m map[string]struct{}
	n int
}

func (t *mapSet) has(s string) bool {
	_, ok := t.m[s]
	return ok
}

func (t *mapSet) add(s string) bool {
	if t.has(s) {
		return false
	}
	if t.m == nil {
		t.m = map[string]struct{}{}
	}
	t.m[s] = struct{}{}
	t.n++
	return true
}
