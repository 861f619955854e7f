package abi

// streamTable maps live stream context ids to entries. Context ids grow by
// one per stream, so the live streams of a worker almost always have distinct
// ids modulo directSlots: each id has one slot in a fixed array (no probing,
// no growth), and the rare id whose slot is held by an older live stream (a
// long request, a WebSocket) goes to an overflow map. get, reserve and remove
// are small enough to be inlined into the exports, and the fixed array makes
// their fast path free of bounds checks, so they cannot panic: an export that
// finds nothing to do needs no deferred recovery (each Go call in
// the guest costs; a Go map cost several hundred ns per insert and delete).
type streamTable struct {
	direct   [directSlots]slot
	overflow map[uint32]*streamEntry
	n        int
}

// directSlots bounds the live streams served without the overflow map; a
// worker rarely has more in flight, and then only the extra ones pay for a map.
const directSlots = 1024

type slot struct {
	id    uint32 // 0: empty
	entry streamEntry
}

// get returns the entry of id, or nil.
func (t *streamTable) get(id uint32) *streamEntry {
	if s := &t.direct[id%directSlots]; s.id == id && id != 0 {
		return &s.entry
	}
	if len(t.overflow) == 0 {
		return nil
	}
	return t.getOverflow(id)
}

func (t *streamTable) getOverflow(id uint32) *streamEntry { return t.overflow[id] }

// reserve puts e for id when id's slot is free and no overflow entry exists,
// and reports whether it did; otherwise the caller uses put.
func (t *streamTable) reserve(id uint32, e streamEntry) bool {
	s := &t.direct[id%directSlots]
	if s.id != 0 || id == 0 || len(t.overflow) != 0 {
		return false
	}
	s.id, s.entry = id, e
	t.n++
	return true
}

// put inserts or replaces the entry of id (id must not be 0).
func (t *streamTable) put(id uint32, e streamEntry) {
	if old := t.get(id); old != nil {
		*old = e
		return
	}
	if t.reserve(id, e) {
		return
	}
	if s := &t.direct[id%directSlots]; s.id == 0 {
		s.id, s.entry = id, e
		t.n++
		return
	}
	if t.overflow == nil {
		t.overflow = map[uint32]*streamEntry{}
	}
	p := new(streamEntry) // only here: taking &e would move e to the heap on every put
	*p = e
	t.overflow[id] = p
	t.n++
}

// remove deletes id; absent ids are ignored. A direct slot is freed by its
// id alone: the entry stays until the next stream of that slot overwrites it
// (within directSlots streams), which spares every stream the clearing of
// two interfaces.
func (t *streamTable) remove(id uint32) {
	if s := &t.direct[id%directSlots]; s.id == id && id != 0 {
		s.id = 0
		t.n--
		return
	}
	if len(t.overflow) != 0 {
		t.removeOverflow(id)
	}
}

func (t *streamTable) removeOverflow(id uint32) {
	if _, ok := t.overflow[id]; ok {
		delete(t.overflow, id)
		t.n--
	}
}

// len is the number of live entries.
func (t *streamTable) len() int { return t.n }

// dropStale clears the entries that remove left behind in freed direct slots.
// They point at stream contexts, and through them at the plugin context and
// compiled configuration they were made for: after a reconfiguration that
// would keep up to directSlots old configurations alive. Configure time only.
func (t *streamTable) dropStale() {
	for i := range t.direct {
		if t.direct[i].id == 0 {
			t.direct[i] = slot{}
		}
	}
}
