//go:build wasip1

package main

import "unsafe"

var buf = make([]byte, 1024)

//go:wasmimport env proxy_get_header_map_value
func getHeaderMapValue(mapType uint32, key unsafe.Pointer, keyLen uint32, ptr, size *uint32) uint32

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) unsafe.Pointer {
	if int(size) > len(buf) {
		buf = make([]byte, size)
	}
	return unsafe.Pointer(&buf[0])
}

//go:wasmexport proxy_on_context_create
func onContextCreate(id, parent uint32) {}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, n, eos uint32) uint32 {
	key := "x-trap"
	var ptr, size uint32
	if getHeaderMapValue(0, unsafe.Pointer(unsafe.StringData(key)), uint32(len(key)), &ptr, &size) == 0 {
		panic("trapplugin: x-trap")
	}
	return 0
}
