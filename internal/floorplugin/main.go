// Command floorplugin is the per-case cost floor for benchmarks: a
// proxy-wasm module that makes, per stream, exactly the host calls the
// cors-wasm filter makes for a case, with constant data and no CORS logic.
// The calls come from its plugin configuration, a script read once at
// configure time (see script.go); the header callbacks recover panics as any
// plugin must. The filter's cost over this plugin's is what our own guest
// code costs; the empty plugin's is what the ABI costs.
package main

func main() {}
