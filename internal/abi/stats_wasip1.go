//go:build wasip1

package abi

import "runtime"

// cors_wasm_mallocs reports the Go heap's cumulative allocation count, so
// benchmarks can show that steady state allocates nothing. Envoy ignores
// exports it does not know.
//
//go:wasmexport cors_wasm_mallocs
func corsWasmMallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}
