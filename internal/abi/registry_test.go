package abi

import (
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

type fakeVM struct {
	types.DefaultVMContext
	made, done int
}

func (v *fakeVM) NewPluginContext(uint32) types.PluginContext { return &fakeRoot{vm: v} }

type fakeRoot struct {
	types.DefaultPluginContext
	vm *fakeVM
}

func (r *fakeRoot) NewHttpContext(uint32) types.HttpContext {
	r.vm.made++
	return &fakeStream{vm: r.vm}
}

type fakeStream struct {
	types.DefaultHttpContext
	vm *fakeVM
}

func (s *fakeStream) OnHttpStreamDone() { s.vm.done++ }

// Envoy's order per stream: create, headers..., delete (the module exports no
// log or done callback). Nothing may stay behind, the context is made at the
// first header callback, and stream-done runs exactly once, at delete.
func TestRegistryLifecycle(t *testing.T) {
	vm := &fakeVM{}
	r := newRegistry(vm)
	r.create(1, 0)
	const streams = 100_000
	for id := uint32(2); id < 2+streams; id++ {
		r.create(id, 1)
		if vm.made != int(id-2) {
			t.Fatalf("context made before the first header callback")
		}
		if r.stream(id) == nil || r.stream(id) != r.stream(id) {
			t.Fatalf("stream %d not registered, or made twice", id)
		}
		if root, isRoot := r.remove(id); isRoot || root != nil {
			t.Fatalf("stream %d reported as a root", id)
		}
	}
	if vm.made != streams || vm.done != streams {
		t.Fatalf("made %d streams, %d done; want %d each", vm.made, vm.done, streams)
	}
	if r.streams.len() != 0 {
		t.Fatalf("%d streams leaked", r.streams.len())
	}
	if _, isRoot := r.remove(1); !isRoot || len(r.roots) != 0 {
		t.Fatalf("root not removed")
	}
}

func TestRegistryUnknownIDsAndRoots(t *testing.T) {
	vm := &fakeVM{}
	r := newRegistry(vm)
	r.create(1, 0)
	r.create(2, 1)
	r.remove(2) // deleted before any header callback: no context was made
	if vm.made != 0 || vm.done != 0 {
		t.Fatalf("made %d, done %d for a stream without callbacks", vm.made, vm.done)
	}
	r.create(5, 0) // a second root: streams of both find theirs
	r.create(6, 1)
	r.create(7, 5)
	if r.stream(6) == nil || r.stream(7) == nil || vm.made != 2 {
		t.Fatalf("streams of two roots: made %d", vm.made)
	}
	r.create(3, 99) // unknown root: no context
	if r.stream(3) != nil || r.stream(42) != nil {
		t.Fatalf("unknown contexts must have no stream")
	}
	r.remove(3)
	r.remove(42)
	r.drop(42)
	var nilReg *registry
	nilReg.drop(1) // the panic path must not panic again before SetVMContext
}
