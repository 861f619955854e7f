// Package wasmhost runs proxy-wasm plugins (ABI v0.2.1) on wazero, behaving
// like Envoy where it matters: lowercased header names, first-value-only
// proxy_get_header_map_value, deferred local replies that stop the stream,
// counters that refuse increments <= 0, Envoy's per-stream callback order,
// restricted host calls during _initialize and allocation, and an
// "envoy-1.33" WASI profile whose poll_oneoff answers ENOSYS.
//
// It is the plugin's end-to-end test bed (no Envoy runs on our machines) and
// the engine of cmd/devproxy, the local stand-in for Envoy.
//
// Layout: engine.go compiles modules; vm.go is one instance; abi.go the env
// host calls; wasi.go the WASI profiles; stream.go one HTTP stream;
// headers.go header maps; metrics.go and logs.go what tests observe;
// pool.go VMs per worker; http.go the HTTP front.
package wasmhost
