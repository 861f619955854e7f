//go:build wasip1

package abi

import (
	"unsafe"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// The guest side of proxy-wasm ABI v0.2.1. Every export recovers panics: a
// trap would fail the stream and can poison the VM for every later request.

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

//go:wasmexport proxy_on_context_create
func proxyOnContextCreate(id, parent uint32) {
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

//go:wasmexport proxy_on_request_headers
func proxyOnRequestHeaders(id, headers, endOfStream uint32) (action uint32) {
	defer recoverStreamPanic(id, "proxy_on_request_headers", &action)
	if s := reg.stream(id); s != nil {
		return uint32(s.OnHttpRequestHeaders(int(headers), endOfStream != 0))
	}
	if reg.failed(id) { // proxy_on_context_create panicked
		return failStream()
	}
	return 0
}

//go:wasmexport proxy_on_request_body
func proxyOnRequestBody(id, size, endOfStream uint32) uint32 { return 0 }

//go:wasmexport proxy_on_request_trailers
func proxyOnRequestTrailers(id, trailers uint32) uint32 { return 0 }

//go:wasmexport proxy_on_response_headers
func proxyOnResponseHeaders(id, headers, endOfStream uint32) (action uint32) {
	defer recoverStreamPanic(id, "proxy_on_response_headers", &action)
	if s := reg.stream(id); s != nil {
		return uint32(s.OnHttpResponseHeaders(int(headers), endOfStream != 0))
	}
	return 0
}

//go:wasmexport proxy_on_response_body
func proxyOnResponseBody(id, size, endOfStream uint32) uint32 { return 0 }

//go:wasmexport proxy_on_response_trailers
func proxyOnResponseTrailers(id, trailers uint32) uint32 { return 0 }

//go:wasmexport proxy_on_log
func proxyOnLog(id uint32) {
	defer recoverPanic(id, "proxy_on_log")
	reg.finish(id)
}

//go:wasmexport proxy_on_done
func proxyOnDone(id uint32) (done bool) {
	defer recoverPanic(id, "proxy_on_done")
	if reg.finish(id) { // streams first: they are most of the calls
		return true
	}
	if p, ok := reg.roots[id]; ok {
		return p.OnPluginDone()
	}
	return true
}

//go:wasmexport proxy_on_delete
func proxyOnDelete(id uint32) {
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
	msg := "cors-wasm: panic in " + export + " (context " + utoa(id) + "): " + panicText(r)
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
