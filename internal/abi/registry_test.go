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

type reusableStream struct {
	fakeStream
	resets int
}

func (s *reusableStream) Reset() { s.resets++ }

type reusableRoot struct {
	types.DefaultPluginContext
	vm *fakeVM
}

func (r *reusableRoot) NewHttpContext(uint32) types.HttpContext {
	r.vm.made++
	return &reusableStream{fakeStream: fakeStream{vm: r.vm}}
}

type reusableVM struct{ fakeVM }

func (v *reusableVM) NewPluginContext(uint32) types.PluginContext {
	return &reusableRoot{vm: &v.fakeVM}
}

// deleteStream is what proxy_on_delete does.
func deleteStream(r *registry, id uint32) {
	if e := r.streams.get(id); e != nil && (e.ctx == nil || r.release(e)) {
		r.streams.remove(id)
		return
	}
	r.remove(id)
}

// The registry alone reuses stream contexts: a Reusable context is made once,
// reset before each later stream and never told OnHttpStreamDone; a context
// of an older root, or of a stream that panicked, is not reused.
func TestRegistryReusesContexts(t *testing.T) {
	vm := &reusableVM{}
	r := newRegistry(vm)
	r.create(1, 0)
	var first types.HttpContext
	for id := uint32(2); id < 100; id++ {
		r.create(id, 1)
		ctx := r.stream(id)
		if first == nil {
			first = ctx
		}
		if ctx != first {
			t.Fatalf("stream %d got a new context", id)
		}
		deleteStream(r, id)
	}
	if s := first.(*reusableStream); vm.made != 1 || s.resets != 97 || vm.done != 0 {
		t.Fatalf("made %d, reset %d, done %d; want 1, 97, 0", vm.made, s.resets, vm.done)
	}

	r.create(200, 1)
	r.stream(200)
	r.drop(200) // a callback panicked: the context is not trusted again
	deleteStream(r, 200)
	r.create(201, 1)
	if r.stream(201) == first || r.stream(201) == nil {
		t.Fatal("a context whose stream panicked was reused")
	}
	deleteStream(r, 201)

	r.create(300, 0) // a new configuration: a new root
	r.create(301, 1) // a stream of the old root, still running
	old := r.stream(301)
	deleteStream(r, 301)
	r.create(302, 300)
	if ctx := r.stream(302); ctx == old || ctx == first {
		t.Fatal("a context of the old root served the new one")
	}
	if vm.done != 1 { // the old root's context ended the SDK's way
		t.Fatalf("done %d, want 1", vm.done)
	}
}

// A burst of concurrent streams leaves at most maxFreeContexts behind.
func TestRegistryFreeListIsBounded(t *testing.T) {
	vm := &reusableVM{}
	r := newRegistry(vm)
	r.create(1, 0)
	const n = maxFreeContexts + 10
	for id := uint32(2); id < 2+n; id++ {
		r.create(id, 1)
		r.stream(id)
	}
	for id := uint32(2); id < 2+n; id++ {
		deleteStream(r, id)
	}
	if r.nfree != maxFreeContexts || vm.done != 10 || r.streams.len() != 0 {
		t.Fatalf("free %d, done %d, live %d; want %d, 10, 0", r.nfree, vm.done, r.streams.len(), maxFreeContexts)
	}
}
