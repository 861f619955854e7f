package abi

import (
	"math/rand/v2"
	"testing"
)

// The table against a Go map under random interleaved puts and removes,
// including ids that collide and runs that wrap around the end.
func TestStreamTableMatchesMap(t *testing.T) {
	var tab streamTable
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
	if len(tab.slots) > 1<<16 {
		t.Fatalf("table grew to %d slots for at most %d live entries", len(tab.slots), len(ref))
	}
}

func TestStreamTableSteadyStateAllocatesNothing(t *testing.T) {
	var tab streamTable
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
