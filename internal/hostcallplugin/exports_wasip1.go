//go:build wasip1

package main

import "unsafe"

// Out-parameters live in package variables: locals whose address is passed
// to an import escape to the heap, and that allocation would be measured.
var (
	outPtr, outSize uint32
	heap            [64]byte
)

const key = "x-absent"

//go:wasmimport env proxy_get_header_map_value
func getHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32, ptr, size *uint32) uint32

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) unsafe.Pointer { return unsafe.Pointer(&heap[0]) }

//go:wasmexport proxy_on_context_create
func onContextCreate(id, parent uint32) {}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, lines, eos uint32) uint32 {
	for i := uint32(0); i < lines; i++ {
		getHeaderMapValue(0, unsafe.Pointer(unsafe.StringData(key)), uint32(len(key)), &outPtr, &outSize)
	}
	return 0
}

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, eos uint32) uint32 { return 0 }

//go:wasmexport proxy_on_log
func onLog(id uint32) {}

//go:wasmexport proxy_on_done
func onDone(id uint32) bool { return true }

//go:wasmexport proxy_on_delete
func onDelete(id uint32) {}
