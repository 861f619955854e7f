package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// registry maps context ids to the plugin's contexts. Entries are removed on
// delete, so nothing accumulates across millions of streams; values are
// stored inline, so steady state allocates nothing.
//
// A stream's HttpContext is made lazily, at its first header callback:
// proxy_on_context_create only records the stream's root, which cannot panic
// and so needs no deferred recovery.
//
// The registry is the only owner of stream-context reuse: a finished context
// that implements Reusable goes to a free list at delete, and the next stream
// of the same root takes it (after Reset) instead of calling NewHttpContext.
type registry struct {
	vm      types.VMContext
	roots   map[uint32]types.PluginContext
	root    types.PluginContext // the most recent root, so most streams skip the map
	rootID  uint32
	streams streamTable
	// free holds finished Reusable contexts of root: handing one to the next
	// stream costs one call (Reset), not NewHttpContext and OnHttpStreamDone.
	free  [maxFreeContexts]freeContext
	nfree int
}

// Reusable is implemented by a stream context that can serve another stream
// after its own has ended. Such a context is not told OnHttpStreamDone when
// its stream ends; it waits for the next stream of its plugin context, which
// calls Reset first, inside that stream's first header callback (so a panic
// in Reset fails that stream like any other). Reset must leave the context as
// NewHttpContext makes it. A plugin whose contexts do not implement it gets
// the SDK's contract: NewHttpContext per stream, OnHttpStreamDone at its end.
type Reusable interface {
	types.HttpContext
	Reset()
}

// freeContext is a finished Reusable context, kept with its HttpContext view
// so that reusing it costs no interface conversion (a runtime call).
type freeContext struct {
	ctx   types.HttpContext
	reset Reusable
}

// maxFreeContexts bounds the finished contexts kept for reuse, so a burst of
// concurrent streams does not pin their memory forever.
const maxFreeContexts = 1024

// streamEntry is one HTTP stream. A failed entry marks a stream whose
// callback panicked: it is kept until proxy_on_delete so that its later
// callbacks fail it too instead of letting the request through untouched.
type streamEntry struct {
	ctx   types.HttpContext // nil until the first header callback
	reset Reusable          // ctx when it implements Reusable, else nil
	root  uint32
	// failed: a callback panicked; the context is never reused.
	failed bool
}

func newRegistry(vm types.VMContext) *registry {
	return &registry{vm: vm, roots: map[uint32]types.PluginContext{}}
}

// createRoot handles proxy_on_context_create for a plugin (root) context.
// Finished contexts of the previous root are not reused by the new one.
func (r *registry) createRoot(id uint32) {
	p := r.vm.NewPluginContext(id)
	r.roots[id] = p
	r.root, r.rootID = p, id
	clear(r.free[:])
	r.nfree = 0
	r.streams.dropStale()
}

// createStream records a stream of root parent (proxy_on_context_create).
func (r *registry) createStream(id, parent uint32) {
	if !r.streams.reserve(id, streamEntry{root: parent}) {
		r.streams.put(id, streamEntry{root: parent})
	}
}

// create handles proxy_on_context_create: parent 0 makes a plugin (root)
// context, anything else an HTTP stream of that root.
func (r *registry) create(id, parent uint32) {
	if parent == 0 {
		r.createRoot(id)
		return
	}
	r.createStream(id, parent)
}

// context returns e's HttpContext, making it on first use (from the free
// list when it can); nil for a failed stream or one whose root is unknown or
// makes no HTTP contexts.
func (r *registry) context(id uint32, e *streamEntry) types.HttpContext {
	if e.ctx == nil && r.nfree > 0 && r.canReuse(e) {
		r.pop(e)
		e.reset.Reset()
	}
	if e.ctx != nil || e.failed {
		return e.ctx
	}
	root := r.root
	if e.root != r.rootID {
		root = r.roots[e.root]
	}
	if root != nil {
		e.ctx = root.NewHttpContext(id)
		e.reset, _ = e.ctx.(Reusable)
		yieldToGC()
	}
	return e.ctx
}

// canReuse reports whether e's stream may take a context of the free list:
// only streams of the current root do. Inlined into the exports, like pop.
func (r *registry) canReuse(e *streamEntry) bool {
	return !e.failed && e.root == r.rootID
}

// pop gives e the most recently finished context (nfree > 0); the caller
// then calls its Reset (apart, so that pop is inlined). The slot keeps its
// copy until a push overwrites it or the root changes: clearing it would
// cost every stream four stores with write-barrier checks, and the context
// it points to is the one in use.
func (r *registry) pop(e *streamEntry) {
	r.nfree--
	f := &r.free[r.nfree]
	e.ctx, e.reset = f.ctx, f.reset
}

// release keeps e's context for reuse when it is Reusable, belongs to the
// current root, and the free list has room; it reports whether it did. It
// cannot panic, so proxy_on_delete needs no deferred recovery for it.
func (r *registry) release(e *streamEntry) bool {
	if e.reset == nil || !r.canReuse(e) || uint(r.nfree) >= uint(len(r.free)) {
		return false
	}
	r.free[r.nfree] = freeContext{e.ctx, e.reset}
	r.nfree++
	return true
}

// stream returns the HTTP context of id (making it on first use), or nil.
func (r *registry) stream(id uint32) types.HttpContext {
	if e := r.streams.get(id); e != nil {
		return r.context(id, e)
	}
	return nil
}

// remove forgets a context: a stream after running its OnHttpStreamDone, or
// a root; it reports whether id was a root.
func (r *registry) remove(id uint32) (root types.PluginContext, isRoot bool) {
	if e := r.streams.get(id); e != nil {
		ctx := e.ctx
		r.streams.remove(id)
		if ctx != nil {
			ctx.OnHttpStreamDone()
		}
		return nil, false
	}
	root, isRoot = r.roots[id]
	delete(r.roots, id)
	if id == r.rootID {
		r.root, r.rootID = nil, 0
	}
	return root, isRoot
}

// drop marks a stream failed without running its callbacks (after a panic
// its state cannot be trusted, so it is not reused either). Root contexts are
// left alone: a panic there refuses the configuration instead.
func (r *registry) drop(id uint32) {
	if r == nil {
		return
	}
	if _, isRoot := r.roots[id]; isRoot {
		return
	}
	r.streams.put(id, streamEntry{failed: true})
}

// failed reports whether id is a stream a panic failed.
func (r *registry) failed(id uint32) bool {
	e := r.streams.get(id)
	return e != nil && e.failed
}
