package abi

// streamTable maps stream context ids to entries: open addressing with
// linear probing and backward-shift deletion (no tombstones), so a table
// that sees millions of ever-increasing ids stays as small as the number of
// live streams. Go's map costs several hundred nanoseconds per insert and
// delete in a wasm guest with this pattern; this costs tens.
type streamTable struct {
	slots []slot // length is a power of two; id 0 marks an empty slot
	n     int
}

type slot struct {
	id    uint32
	entry streamEntry
}

const minTableSlots = 64

func (t *streamTable) index(id uint32) uint32 {
	return (id * 0x9E3779B1) & uint32(len(t.slots)-1)
}

// get returns the entry of id, or nil.
func (t *streamTable) get(id uint32) *streamEntry {
	if len(t.slots) == 0 || id == 0 {
		return nil
	}
	for i := t.index(id); ; i = (i + 1) & uint32(len(t.slots)-1) {
		s := &t.slots[i]
		if s.id == id {
			return &s.entry
		}
		if s.id == 0 {
			return nil
		}
	}
}

// put inserts or replaces the entry of id (id must not be 0).
func (t *streamTable) put(id uint32, e streamEntry) {
	if (t.n+1)*4 > len(t.slots)*3 { // keep the load under 3/4
		t.grow()
	}
	for i := t.index(id); ; i = (i + 1) & uint32(len(t.slots)-1) {
		s := &t.slots[i]
		if s.id == id {
			s.entry = e
			return
		}
		if s.id == 0 {
			*s = slot{id: id, entry: e}
			t.n++
			return
		}
	}
}

// remove deletes id, shifting later entries of its probe run back.
func (t *streamTable) remove(id uint32) {
	if len(t.slots) == 0 || id == 0 {
		return
	}
	mask := uint32(len(t.slots) - 1)
	i := t.index(id)
	for t.slots[i].id != id {
		if t.slots[i].id == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.slots[j].id != 0; j = (j + 1) & mask {
		// Move slots[j] into the hole at i unless its home lies cyclically in (i, j].
		home := t.index(t.slots[j].id)
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = slot{}
	t.n--
}

func (t *streamTable) grow() {
	old := t.slots
	t.slots = make([]slot, max(minTableSlots, 2*len(old)))
	t.n = 0
	for _, s := range old {
		if s.id != 0 {
			t.put(s.id, s.entry)
		}
	}
}

// len is the number of live entries.
func (t *streamTable) len() int { return t.n }
