package policy

// stringSet is a set of non-empty strings in an open-addressing table with
// an FNV-1a hash, for the exact allowed origins. A Go map would do, but in
// the wasm guest its lookup is five calls (the map access, the string hash
// and its fallbacks, memequal); this one hashes and compares in loops.
// Origins come from the configuration, and the table stays at most half
// full, so a request's Origin, whatever it is, probes a short run.
type stringSet struct {
	slots []string // "" marks an empty slot; length is a power of two
	n     int
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// has reports whether s is in the set.
func (t *stringSet) has(s string) bool {
	if t.n == 0 {
		return false
	}
	mask := uint32(len(t.slots) - 1)
	for i := hashString(s) & mask; ; i = (i + 1) & mask {
		x := t.slots[i]
		if x == "" {
			return false
		}
		if equal(x, s) {
			return true
		}
	}
}

// add inserts s (non-empty) and reports whether it was new.
func (t *stringSet) add(s string) bool {
	if t.has(s) {
		return false
	}
	if (t.n+1)*2 > len(t.slots) {
		old := t.slots
		t.slots, t.n = make([]string, max(16, 2*len(old))), 0
		for _, x := range old {
			if x != "" {
				t.insert(x)
			}
		}
	}
	t.insert(s)
	return true
}

func (t *stringSet) insert(s string) {
	mask := uint32(len(t.slots) - 1)
	i := hashString(s) & mask
	for t.slots[i] != "" {
		i = (i + 1) & mask
	}
	t.slots[i] = s
	t.n++
}
