// Package wasmhost runs proxy-wasm plugins (ABI v0.2.1) on wazero, behaving
// as Envoy's host does (Envoy's source/extensions/common/wasm and the
// proxy-wasm-cpp-host library it embeds), so a plugin's HTTP header handling
// can be tested in plain go test, without Envoy. It knows nothing of any
// particular plugin. Each behaviour below is pinned by a test that cites the
// Envoy source it copies.
//
// An Engine compiles a Module; a VM is one instance with its plugin
// configuration applied, as on one Envoy worker; a Stream drives one HTTP
// stream's callbacks on a VM in Envoy's order. A Pool holds one VM per worker
// and Proxy puts a Pool in front of an HTTP upstream. Metrics and Logs
// collect what plugins define and log; a refused configuration is a
// *ConfigError carrying the plugin's log lines. The package example runs a
// small plugin written in standard Go (testdata/tagplugin).
//
// It is for plugins that work on request and response headers: see below for
// the calls it does not serve. Standard Go plugins (GOOS=wasip1,
// -buildmode=c-shared) run here as in Envoy, including the two ways they fail
// there: a call Envoy forbids while _initialize or proxy_on_memory_allocate
// runs, and, with ProfileEnvoy133, a poll_oneoff that answers ENOSYS.
//
// What it copies:
//   - Per stream: the context is created at request headers; a local reply
//     sent from proxy_on_request_headers goes through the same plugin's
//     proxy_on_response_headers, and the client gets what that callback left
//     (sendLocalReplyViaFilterChain); one sent while response headers are
//     encoded replaces the response directly (sendDirectLocalReply); the
//     stream ends with proxy_on_log, proxy_on_done, proxy_on_delete.
//   - Header maps: names lowercased; inline headers (inline.go: origin,
//     access-control-request-*, vary, access-control-allow-*,
//     access-control-expose-headers, ...) hold one line, repeated lines and
//     added values joined with a bare ","; replace removes every line and adds
//     one (setCopy); get value returns the first line; the request map is
//     there during its callback and after it stopped, the response map
//     likewise, both read-only during proxy_on_log; the statuses for unknown
//     and unavailable maps and missing keys are Envoy's.
//   - Empty data is returned as pointer 0, size 0, without the allocator.
//   - While _initialize and proxy_on_memory_allocate run, only Envoy's lists
//     of imports may be called; anything else traps (restricted.go).
//     Profile selects the current host (default) or the one before April
//     2026 (ProfileEnvoy133: shorter lists, poll_oneoff answering ENOSYS).
//   - WASI results as proxy-wasm-cpp-host gives them (wasi.go): one log line
//     per fd_write, ENOTSUP for unknown clocks, a 64 KiB random_get limit, the
//     environment from VMConfig.Env, proc_exit that returns.
//   - Metrics: ids with the type in the low bits; counters refuse increments
//     <= 0 and add on record; names shown as Envoy's admin shows them
//     (wasmcustom.<name>; stripped and sanitized for Prometheus).
//   - Reconfiguration (reconfigure.go): a new root context in the same VM;
//     streams in flight finish under the old root, which is then shut down;
//     a refused configuration leaves the old one serving.
//
// Where it still differs from Envoy, and why:
//   - Only the host functions of the header phases do something: the stream
//     control calls, proxy_set_buffer_bytes and proxy_set_property answer
//     UNIMPLEMENTED, proxy_get_property answers NOT_FOUND for every path, and
//     a module importing anything else (http/grpc calls, shared data,
//     queues) is refused at load, where Envoy would load it. Ticks are never
//     delivered. Bodies and trailers are not passed to the plugin.
//   - The inline header list is Envoy's core one plus those the CORS and
//     compressor filters register (inline.go); in Envoy it depends on the
//     extensions compiled in.
//   - Requests reach the host through Go's net/http, which groups header
//     lines by name: lines of different names may come in another order than
//     on the wire, and Envoy's own request handling (x-request-id,
//     x-forwarded-*, path normalization, local_reply_config) is not done.
//   - A local reply carries only :status, the plugin's headers,
//     content-length and, with a body, content-type (Envoy may add more).
//   - A trap answers 503 and the VM is replaced at once (Envoy: per
//     failure_policy); wasmhost never fails open.
//   - A refused configuration's root context gets proxy_on_done and
//     proxy_on_delete at once (Envoy keeps it until the plugin is released).
//   - Histograms keep a count and a sum (no quantiles) and are left out of
//     the Prometheus text; stat tag extraction is not applied (Envoy's
//     default extractors do not match wasmcustom names).
//   - There is no VM configuration (empty), only wasi_snapshot_preview1 (no
//     wasi_unstable), and only reactor modules (_initialize; Envoy also runs
//     _start commands and a reactor's main).
//   - fd_seek does not log (Envoy logs it at trace level).
//
// Layout: engine.go compiles modules; vm.go is one instance; reconfigure.go
// its root contexts; abi.go the env host calls (abi_headers.go and
// abi_metrics.go those on header maps and metrics); restricted.go the restricted
// phases; wasi.go the WASI functions; stream.go one HTTP stream; headers.go
// and inline.go header maps; metrics.go and logs.go what tests observe;
// pool.go VMs per worker; http.go the HTTP front. The exported API is the
// package's contract (RATIONALE.md, "wasmhost is a public library").
package wasmhost
