//go:build wasip1

package abi

import "unsafe"

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out unsafe.Pointer, n uint32, nevents *uint32) uint32

// hostPollWorks reports whether the host's poll_oneoff answers (Envoy with
// proxy-wasm-cpp-host from April 2026) rather than ENOSYS (earlier Envoy:
// 1.33 .. 1.37, Istio 1.25 ..). It asks once, with no subscriptions, which
// waits for nothing. It must not be called during _initialize or
// proxy_on_memory_allocate, where the older host traps a poll_oneoff call.
func hostPollWorks() bool {
	if pollProbe == 0 {
		var n uint32
		pollProbe = 2
		if pollOneoff(nil, nil, 0, &n) == 0 {
			pollProbe = 1
		}
	}
	return pollProbe == 1
}

var pollProbe uint8 // 0 not asked, 1 works, 2 ENOSYS
