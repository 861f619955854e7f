package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// registry maps context ids to the plugin's contexts. Entries are removed on
// delete, so nothing accumulates across millions of streams; values are
// stored inline, so steady state allocates nothing.
//
// A stream's HttpContext is made lazily, at its first header callback:
// proxy_on_context_create only records the stream's root, which cannot panic
// and so needs no deferred recovery (issue 14).
type registry struct {
	vm      types.VMContext
	roots   map[uint32]types.PluginContext
	root    types.PluginContext // the most recent root, so most streams skip the map
	rootID  uint32
	reuse   bool // root implements ReusesStreamContexts
	streams streamTable
	// free holds finished contexts of root when it reuses them: handing one
	// to the next stream costs no call (no NewHttpContext, no OnHttpStreamDone).
	free  [maxFreeContexts]types.HttpContext
	nfree int
}

// ReusesStreamContexts is implemented by a plugin context whose stream
// contexts reset themselves at their first header callback. Such contexts
// are handed from a finished stream to the next one without
// OnHttpStreamDone and NewHttpContext (two wasm calls per stream, issue 14).
type ReusesStreamContexts interface {
	ReusesStreamContexts()
}

// maxFreeContexts bounds the finished contexts kept for reuse.
const maxFreeContexts = 64

// streamEntry is one HTTP stream. A failed entry marks a stream whose
// callback panicked: it is kept until proxy_on_delete so that its later
// callbacks fail it too instead of letting the request through untouched.
type streamEntry struct {
	ctx    types.HttpContext // nil until the first header callback
	root   uint32
	failed bool
}

func newRegistry(vm types.VMContext) *registry {
	return &registry{vm: vm, roots: map[uint32]types.PluginContext{}}
}

// createRoot handles proxy_on_context_create for a plugin (root) context.
func (r *registry) createRoot(id uint32) {
	p := r.vm.NewPluginContext(id)
	r.roots[id] = p
	_, reuse := p.(ReusesStreamContexts)
	r.root, r.rootID, r.reuse = p, id, reuse
	clear(r.free[:])
	r.nfree = 0
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

// context returns e's HttpContext, making it on first use; nil for a failed
// stream or one whose root is unknown or makes no HTTP contexts.
func (r *registry) context(id uint32, e *streamEntry) types.HttpContext {
	if e.ctx == nil && r.canReuse(e) && r.nfree > 0 {
		e.ctx = r.pop()
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
		yieldToGC()
	}
	return e.ctx
}

// canReuse reports whether e's stream may take, or give back, a context of
// the free list. Inlined into the exports, like pop and push.
func (r *registry) canReuse(e *streamEntry) bool {
	return r.reuse && !e.failed && e.root == r.rootID
}

// pop takes a context from the free list (nfree > 0).
func (r *registry) pop() types.HttpContext {
	r.nfree--
	c := r.free[r.nfree]
	r.free[r.nfree] = nil
	return c
}

// push keeps c for reuse and reports whether there was room. It cannot panic.
func (r *registry) push(c types.HttpContext) bool {
	if uint(r.nfree) >= uint(len(r.free)) {
		return false
	}
	r.free[r.nfree] = c
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
