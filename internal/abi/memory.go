package abi

// arena is the memory the guest hands the host through
// proxy_on_memory_allocate. Every host call that returns data (headers, the
// configuration) makes exactly one allocation, so one reusable buffer serves
// them all: steady state allocates nothing. Data handed out stays valid until
// the next allocation, which is the contract Host documents.
type arena struct {
	buf  []byte
	last []byte // what the latest alloc handed out
	grew bool   // buf was replaced: the callback lets a GC cycle finish (yieldToGC)
}

// minArena is the first buffer's size: enough for typical header maps.
const minArena = 4096

// alloc returns a buffer of size bytes. Size 0 gives an empty slice that
// still has a valid address (the backing array always has capacity).
func (a *arena) alloc(size uint32) []byte {
	if a.buf == nil || uint64(size) > uint64(cap(a.buf)) {
		n := max(uint64(size), 2*uint64(cap(a.buf)), minArena)
		a.buf = make([]byte, n)
		a.grew = true
	}
	a.last = a.buf[:size:cap(a.buf)]
	return a.last
}
