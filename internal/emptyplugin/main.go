// Command emptyplugin is the cost floor for benchmarks: a proxy-wasm module
// whose exports return at once (configure accepts anything, every header
// callback continues). Running it through wasmhost measures the ABI's own
// cost: export calls and the Go runtime's entry and exit.
package main

func main() {}
