package policy

// fnvSet is a set of non-empty strings in an open-addressing table with an
// FNV-1a hash: the exact allowed origins in the wasm guest (stringSet). A Go
// map would do, but in the guest its lookup is five calls (the map access,
// the string hash and its fallbacks, memequal); this one hashes and compares
// in loops. Natively the map is twice as fast, so native builds use it
// (mapSet). Origins come from the configuration, and the table stays at most
// half full, so a request's Origin, whatever it is, probes a short run.
type fnvSet struct {
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
func (t *fnvSet) has(s string) bool {
	if t.n == 0 {
		return false
	}
	mask := uint32(len(t.slots) - 1)
	for i := hashString(s) & mask; ; i = (i + 1) & mask {
		x := t.slots[i]
		if x == "" {
			return false
		}
		if Equal(x, s) {
			return true
		}
	}
}

// add inserts s (non-empty) and reports whether it was new.
func (t *fnvSet) add(s string) bool {
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

func (t *fnvSet) insert(s string) {
	mask := uint32(len(t.slots) - 1)
	i := hashString(s) & mask
	for t.slots[i] != "" {
		i = (i + 1) & mask
	}
	t.slots[i] = s
	t.n++
}

// mapSet is fnvSet's interface over a Go map, for native builds.
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
