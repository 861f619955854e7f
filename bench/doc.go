// Package bench is the benchmark suite behind `make bench` and
// BENCHMARKS.md: whole streams through build/cors.wasm in wasmhost (and
// through an empty plugin, the ABI's cost floor), the same cases natively
// with policy/ and with github.com/rs/cors as net/http middleware, and
// start-up costs. Times are never asserted; see BENCHMARKS.md.
package bench
