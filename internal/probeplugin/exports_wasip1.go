//go:build wasip1

package main

import (
	"strconv"
	"unsafe"
)

//go:wasmimport env proxy_log
func proxyLog(level uint32, msg unsafe.Pointer, n uint32) uint32

//go:wasmimport env proxy_get_header_map_value
func getHeader(m uint32, k unsafe.Pointer, kl uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_get_header_map_pairs
func getPairs(m uint32, ptr, size *uint32) uint32

//go:wasmimport env proxy_add_header_map_value
func addHeader(m uint32, k unsafe.Pointer, kl uint32, v unsafe.Pointer, vl uint32) uint32

//go:wasmimport env proxy_send_local_response
func sendLocal(status uint32, d unsafe.Pointer, dl uint32, b unsafe.Pointer, bl uint32, h unsafe.Pointer, hl uint32, g int32) uint32

//go:wasmimport env proxy_get_buffer_bytes
func getBuffer(t, start, max uint32, ptr, size *uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sched_yield
func schedYield() uint32

//go:wasmimport wasi_snapshot_preview1 random_get
func randomGet(buf unsafe.Pointer, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out unsafe.Pointer, n uint32, nout *uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_write
func fdWrite(fd uint32, iovs unsafe.Pointer, n uint32, nout *uint32) uint32

var (
	heap      = make([]byte, 1<<20)
	heapNext  uint32
	allocs    uint32
	allocCall string
	scratch   [64]byte
)

func logf(msg string) { proxyLog(2, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg))) }

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport probe_allocs
func probeAllocs() uint32 { return allocs }

// proxy_on_memory_allocate hands out a bump region (reset per request) and,
// when asked, makes one host call from inside the allocator.
//
//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size uint32) unsafe.Pointer {
	allocs++
	switch call := allocCall; call {
	case "":
	case "proxy_log":
		logf("in allocator")
	case "sched_yield":
		schedYield()
	case "random_get":
		randomGet(unsafe.Pointer(&scratch[0]), 8)
	case "poll_oneoff":
		var n uint32
		pollOneoff(unsafe.Pointer(&scratch[0]), unsafe.Pointer(&scratch[48-48]), 0, &n)
	case "fd_write":
		msg := "to stdout\n"
		iov := [2]uint32{uint32(uintptr(unsafe.Pointer(unsafe.StringData(msg)))), uint32(len(msg))}
		var n uint32
		fdWrite(1, unsafe.Pointer(&iov[0]), 1, &n)
	}
	allocCall = ""
	if int(heapNext)+int(size) > len(heap) {
		heapNext = 0
	}
	p := unsafe.Pointer(&heap[heapNext])
	heapNext += (size + 7) &^ 7
	return p
}

//go:wasmexport proxy_on_context_create
func onContextCreate(id, parent uint32) { cb("context_create", id) }

//go:wasmexport proxy_on_vm_start
func onVMStart(root, size uint32) bool { cb("vm_start", root); return true }

//go:wasmexport proxy_on_configure
func onConfigure(root, size uint32) bool {
	cb("configure", root)
	var ptr, n uint32
	st := getBuffer(7, 0, 0xFFFFFFFF, &ptr, &n)
	logf("config " + strconv.Itoa(int(st)) + " " + strconv.Itoa(int(ptr)) + " " + strconv.Itoa(int(n)))
	return true
}

func cb(name string, id uint32) { logf("cb " + name + " " + strconv.Itoa(int(id))) }

func header(m uint32, name string) (string, uint32, uint32, uint32) {
	var ptr, n uint32
	st := getHeader(m, unsafe.Pointer(unsafe.StringData(name)), uint32(len(name)), &ptr, &n)
	if st != 0 || n == 0 {
		return "", st, ptr, n
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(ptr))), n)), st, ptr, n
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, n, eos uint32) uint32 {
	cb("request_headers", id)
	heapNext = 0
	if v, _, _, _ := header(0, "x-probe-alloc-call"); v != "" {
		allocCall = v
		header(0, "x-probe-alloc-call") // this lookup's allocation makes the call
	}
	if name, _, _, _ := header(0, "x-probe-read"); name != "" {
		v, st, ptr, size := header(0, name)
		logf("read " + strconv.Itoa(int(st)) + " " + strconv.Itoa(int(ptr)) + " " + strconv.Itoa(int(size)) + " " + v)
	}
	if v, _, _, _ := header(0, "x-probe-local"); v != "" {
		status, _ := strconv.Atoi(v)
		hdrs := encodePairs([][2]string{{"access-control-allow-origin", "https://probe.test"}, {"vary", "Origin"}, {"vary", "Access-Control-Request-Method"}})
		d := "probe_local"
		sendLocal(uint32(status), unsafe.Pointer(unsafe.StringData(d)), uint32(len(d)), nil, 0, unsafe.Pointer(&hdrs[0]), uint32(len(hdrs)), -1)
		return 1
	}
	return 0
}

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, eos uint32) uint32 {
	cb("response_headers", id)
	status, _, _, _ := header(2, ":status")
	k, v := "x-probe-seen", status
	addHeader(2, unsafe.Pointer(unsafe.StringData(k)), uint32(len(k)), unsafe.Pointer(unsafe.StringData(v)), uint32(len(v)))
	return 0
}

//go:wasmexport proxy_on_log
func onLog(id uint32) { cb("log", id) }

//go:wasmexport proxy_on_done
func onDone(id uint32) bool { cb("done", id); return true }

//go:wasmexport proxy_on_delete
func onDelete(id uint32) { cb("delete", id) }

// encodePairs writes the proxy-wasm header map wire form.
func encodePairs(lines [][2]string) []byte {
	size := 4
	for _, l := range lines {
		size += 8 + len(l[0]) + len(l[1]) + 2
	}
	b := make([]byte, size)
	put := func(at, v int) {
		b[at], b[at+1], b[at+2], b[at+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	put(0, len(lines))
	p := 4
	for _, l := range lines {
		put(p, len(l[0]))
		put(p+4, len(l[1]))
		p += 8
	}
	for _, l := range lines {
		p += copy(b[p:], l[0]) + 1
		p += copy(b[p:], l[1]) + 1
	}
	return b
}
