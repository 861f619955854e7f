package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// registry maps context ids to the plugin's contexts. Entries are removed on
// done/delete, so nothing accumulates across millions of streams; values are
// stored inline in the maps, so steady state allocates nothing.
type registry struct {
	vm      types.VMContext
	roots   map[uint32]types.PluginContext
	streams streamTable
}

// streamEntry is one HTTP stream and whether its stream-done callback ran.
// A failed entry (ctx nil) marks a stream whose callback panicked: it is kept
// until proxy_on_delete so that its later callbacks fail it too instead of
// letting the request through untouched.
type streamEntry struct {
	ctx    types.HttpContext
	root   uint32
	done   bool
	failed bool
}

func newRegistry(vm types.VMContext) *registry {
	return &registry{vm: vm, roots: map[uint32]types.PluginContext{}}
}

// create handles proxy_on_context_create: parent 0 makes a plugin (root)
// context, anything else an HTTP stream of that root. Unknown roots and
// non-HTTP contexts are ignored.
func (r *registry) create(id, parent uint32) {
	if parent == 0 {
		r.roots[id] = r.vm.NewPluginContext(id)
		return
	}
	root, ok := r.roots[parent]
	if !ok {
		return
	}
	if ctx := root.NewHttpContext(id); ctx != nil {
		r.streams.put(id, streamEntry{ctx: ctx, root: parent})
	}
}

// stream returns the HTTP context of id, or nil.
func (r *registry) stream(id uint32) types.HttpContext {
	if e := r.streams.get(id); e != nil {
		return e.ctx
	}
	return nil
}

// finish runs OnHttpStreamDone once for a stream (at proxy_on_log, or at
// done/delete if the host skipped the log callback). It reports whether id
// is a live stream.
func (r *registry) finish(id uint32) bool {
	e := r.streams.get(id)
	if e == nil {
		return false
	}
	if !e.done {
		e.done = true
		e.ctx.OnHttpStreamDone()
	}
	return true
}

// remove forgets a context after finishing it; it reports whether id was a root.
func (r *registry) remove(id uint32) (root types.PluginContext, isRoot bool) {
	if r.finish(id) {
		r.streams.remove(id)
		return nil, false
	}
	root, isRoot = r.roots[id]
	delete(r.roots, id)
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
	r.streams.put(id, streamEntry{done: true, failed: true})
}

// failed reports whether id is a stream a panic failed.
func (r *registry) failed(id uint32) bool {
	e := r.streams.get(id)
	return e != nil && e.failed
}

// utoa formats v in decimal (no strconv needed on the export path).
func utoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}
