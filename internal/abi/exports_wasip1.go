//go:build wasip1

package abi

import (
	"strconv"
	"unsafe"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// The guest side of proxy-wasm ABI v0.2.1. Every export recovers panics (a
// trap would fail the stream and can poison the VM for every later request),
// except on fast paths that cannot panic: a fixed-size table probed by an id
// masked into range, and nothing else.

var (
	mem arena
	reg *registry
)

// SetVMContext installs the plugin; call it from init (the module is a WASI
// reactor: _initialize runs init, main never runs).
func SetVMContext(vm types.VMContext) { reg = newRegistry(vm) }

//go:wasmexport proxy_abi_version_0_2_1
func proxyABIVersion() {}

//go:wasmexport proxy_on_memory_allocate
func proxyOnMemoryAllocate(size uint32) unsafe.Pointer {
	return unsafe.Pointer(unsafe.SliceData(mem.alloc(size)))
}

// proxy_on_context_create only records a stream's root (see registry): the
// fast path cannot panic, so it runs without a deferred recovery.
//
//go:wasmexport proxy_on_context_create
func proxyOnContextCreate(id, parent uint32) {
	if parent != 0 && reg != nil && reg.streams.reserve(id, streamEntry{root: parent}) {
		return
	}
	createContext(id, parent)
}

// createContext is the rest of proxy_on_context_create: roots, and streams
// whose slot is taken.
func createContext(id, parent uint32) {
	defer recoverPanic(id, "proxy_on_context_create")
	reg.create(id, parent)
}

//go:wasmexport proxy_on_vm_start
func proxyOnVMStart(root, size uint32) (ok bool) {
	defer recoverPanic(root, "proxy_on_vm_start")
	return reg.vm.OnVMStart(int(size)) == types.OnVMStartStatusOK
}

//go:wasmexport proxy_on_configure
func proxyOnConfigure(root, size uint32) (ok bool) {
	defer recoverPanic(root, "proxy_on_configure") // a panic refuses the configuration: ok stays false
	p, found := reg.roots[root]
	if !found {
		return false
	}
	return p.OnPluginStart(int(size)) == types.OnPluginStartStatusOK
}

// The header callbacks recover with one deferred closure that does nothing
// unless the body did not finish: one wasm call per callback on the normal
// path instead of three (the closure, a recover helper, and the runtime's
// gorecover). recover must be called by the deferred function itself.

//go:wasmexport proxy_on_request_headers
func proxyOnRequestHeaders(id, headers, endOfStream uint32) (action uint32) {
	finished := false
	defer func() {
		if !finished {
			action = streamPanicked(id, "proxy_on_request_headers", recover())
		}
	}()
	if e := reg.streams.get(id); e != nil {
		if e.ctx == nil && reg.nfree > 0 && reg.canReuse(e) {
			reg.pop(e) // the common case: one call, Reset
			e.reset.Reset()
		}
		s := e.ctx
		if s == nil {
			s = reg.context(id, e)
		}
		if s != nil {
			action = uint32(s.OnHttpRequestHeaders(int(headers), endOfStream != 0))
		} else if e.failed { // proxy_on_context_create panicked
			action = failStream()
		}
	}
	if mem.grew { // the allocation may have started a collection: let it finish
		mem.grew = false
		yieldToGC()
	}
	finished = true
	return action
}

//go:wasmexport proxy_on_request_body
func proxyOnRequestBody(id, size, endOfStream uint32) uint32 { return 0 }

//go:wasmexport proxy_on_request_trailers
func proxyOnRequestTrailers(id, trailers uint32) uint32 { return 0 }

//go:wasmexport proxy_on_response_headers
func proxyOnResponseHeaders(id, headers, endOfStream uint32) (action uint32) {
	finished := false
	defer func() {
		if !finished {
			action = streamPanicked(id, "proxy_on_response_headers", recover())
		}
	}()
	if e := reg.streams.get(id); e != nil && e.ctx != nil {
		// A stream whose request callback never ran (another filter answered
		// it first) has no context and nothing to apply.
		action = uint32(e.ctx.OnHttpResponseHeaders(int(headers), endOfStream != 0))
	}
	if mem.grew {
		mem.grew = false
		yieldToGC()
	}
	finished = true
	return action
}

//go:wasmexport proxy_on_response_body
func proxyOnResponseBody(id, size, endOfStream uint32) uint32 { return 0 }

//go:wasmexport proxy_on_response_trailers
func proxyOnResponseTrailers(id, trailers uint32) uint32 { return 0 }

// No proxy_on_log and no proxy_on_done: a host runs neither when the module
// does not export it (proxy-wasm-cpp-host ContextBase::onLog/onDone: a missing
// on_done counts as done), so the plugin does its end-of-stream work in
// proxy_on_delete and a stream costs two export calls less (RATIONALE.md).
// OnHttpStreamDone runs at delete; OnPluginDone is never called.

// proxy_on_delete: a stream without a context (it never reached its header
// callbacks) is forgotten, and a Reusable context is kept for the next
// stream, without a deferred recovery, as neither can panic.
//
//go:wasmexport proxy_on_delete
func proxyOnDelete(id uint32) {
	if reg == nil {
		return
	}
	if e := reg.streams.get(id); e != nil {
		if e.ctx == nil || reg.release(e) {
			reg.streams.remove(id)
			return
		}
	}
	deleteContext(id)
}

// deleteContext is the rest of proxy_on_delete: streams with a context, and roots.
func deleteContext(id uint32) {
	defer recoverPanic(id, "proxy_on_delete")
	reg.remove(id)
}

//go:wasmexport proxy_on_tick
func proxyOnTick(root uint32) {
	defer recoverPanic(root, "proxy_on_tick")
	if p, ok := reg.roots[root]; ok {
		p.OnTick()
	}
}

//go:wasmexport proxy_on_queue_ready
func proxyOnQueueReady(root, queue uint32) {
	defer recoverPanic(root, "proxy_on_queue_ready")
	if p, ok := reg.roots[root]; ok {
		p.OnQueueReady(queue)
	}
}

// recoverPanic stops a panic at the export boundary. It logs one critical
// line, and marks a stream whose state can no longer be trusted as failed:
// its request or response callback then fails it (see failStream).
func recoverPanic(id uint32, export string) {
	r := recover()
	if r == nil {
		return
	}
	logPanic(id, export, r)
}

// logPanic writes the critical line for a recovered panic and marks the
// stream failed.
func logPanic(id uint32, export string, r any) {
	msg := "cors-wasm: panic in " + export + " (context " + strconv.FormatUint(uint64(id), 10) + "): " + panicText(r)
	proxyLog(uint32(LogCritical), stringPtr(msg), uint32(len(msg)))
	reg.drop(id)
}

// panicText describes a recovered value without fmt.
func panicText(r any) string {
	switch v := r.(type) {
	case string:
		return v
	case error:
		return v.Error()
	}
	return "non-error panic value"
}
