// Package filter is the cors-wasm proxy-wasm plugin: a plugin (root) context
// that compiles the configuration once with package policy, and per-stream
// contexts that decide at request headers, latch a copy of the decision, and
// apply it at response headers. It reaches the proxy only through abi.Host, so
// the same code runs on wasip1 (internal/abi's ABI bindings) and natively
// under the SDK's proxytest emulator.
package filter
