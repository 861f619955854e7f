package abi

import (
	"math/rand/v2"
	"testing"
)

// The table against a Go map under random interleaved puts and removes,
// including ids that collide and runs that wrap around the end.
func TestStreamTableMatchesMap(t *testing.T) {
	tab := new(streamTable)
	ref := map[uint32]uint32{}
	rng := rand.New(rand.NewPCG(1, 2))
	next := uint32(1)
	for step := 0; step < 200_000; step++ {
		switch op := rng.IntN(10); {
		case op < 5 || len(ref) == 0:
			id := next
			next += uint32(1 + rng.IntN(3))
			tab.put(id, streamEntry{root: id * 7})
			ref[id] = id * 7
		case op < 9:
			for id := range ref { // remove a random live id
				tab.remove(id)
				delete(ref, id)
				break
			}
		default:
			tab.remove(next + 1000) // absent ids are ignored
		}
		if tab.len() != len(ref) {
			t.Fatalf("step %d: len %d, want %d", step, tab.len(), len(ref))
		}
	}
	for id, root := range ref {
		if e := tab.get(id); e == nil || e.root != root {
			t.Fatalf("id %d: got %v, want root %d", id, e, root)
		}
	}
	for id := uint32(1); id < next; id++ {
		if _, live := ref[id]; !live && tab.get(id) != nil {
			t.Fatalf("removed id %d still found", id)
		}
	}
}

// Streams that outlive directSlots newer ones collide with them and go to
// the overflow map; once they end, the map is empty again.
func TestStreamTableOverflow(t *testing.T) {
	tab := new(streamTable)
	long := uint32(5)
	tab.put(long, streamEntry{root: 1})
	for id := long + 1; id < long+5*directSlots; id++ {
		tab.put(id, streamEntry{root: 2})
		if e := tab.get(long); e == nil || e.root != 1 {
			t.Fatalf("long-lived stream lost after id %d", id)
		}
		if e := tab.get(id); e == nil || e.root != 2 {
			t.Fatalf("stream %d not found", id)
		}
		tab.put(id, streamEntry{root: 3}) // replace in place
		if e := tab.get(id); e == nil || e.root != 3 {
			t.Fatalf("stream %d not replaced", id)
		}
		tab.remove(id)
	}
	if len(tab.overflow) != 0 || tab.len() != 1 {
		t.Fatalf("overflow %d, len %d after the short streams ended", len(tab.overflow), tab.len())
	}
	tab.remove(long)
	if tab.len() != 0 || tab.get(long) != nil {
		t.Fatalf("long-lived stream not removed")
	}
}

func TestStreamTableSteadyStateAllocatesNothing(t *testing.T) {
	tab := new(streamTable)
	id := uint32(1)
	for i := 0; i < 100; i++ {
		tab.put(id, streamEntry{})
		id++
	}
	if n := testing.AllocsPerRun(1000, func() {
		tab.put(id, streamEntry{})
		tab.remove(id - 100)
		id++
	}); n != 0 {
		t.Fatalf("%v allocations per put+remove", n)
	}
}
