package abi

import (
	"testing"
	"unsafe"
)

func TestArena(t *testing.T) {
	var a arena
	zero := a.alloc(0)
	if len(zero) != 0 || cap(zero) == 0 || unsafe.SliceData(zero) == nil {
		t.Fatalf("alloc(0) must give an empty slice with a valid address, got len %d cap %d", len(zero), cap(zero))
	}
	small := a.alloc(100)
	if len(small) != 100 || unsafe.SliceData(small) != unsafe.SliceData(zero) {
		t.Fatalf("alloc(100) should reuse the first buffer")
	}
	big := a.alloc(minArena * 3)
	if len(big) != minArena*3 {
		t.Fatalf("alloc(%d) gave %d bytes", minArena*3, len(big))
	}
	if unsafe.SliceData(a.last) != unsafe.SliceData(big) {
		t.Fatalf("last does not record the latest allocation")
	}
	if n := testing.AllocsPerRun(100, func() { a.alloc(512) }); n != 0 {
		t.Fatalf("steady-state alloc allocates %v times", n)
	}
}
