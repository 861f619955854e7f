// Command probeplugin is a test plugin that shows what a host does, for
// wasmhost's Envoy-faithfulness tests. It logs every callback it receives
// ("cb <name> <context>") so tests can check the order, and acts on request
// headers:
//
//   - x-probe-local: <status> sends a local reply with one
//     "access-control-allow-origin: https://probe.test" line and two "vary"
//     lines, and returns Pause;
//   - on every response (local replies included) it adds "x-probe-seen: <status>";
//   - x-probe-alloc-call: <name> makes the next proxy_on_memory_allocate call
//     the named function (proxy_log, sched_yield, random_get, poll_oneoff,
//     fd_write), to probe the host's restricted-call lists;
//   - x-probe-read: <name> reads that request header with
//     proxy_get_header_map_value and logs "read <status> <ptr> <size> <value>";
//   - its configuration is read at proxy_on_configure and logged as
//     "config <status> <ptr> <size>".
//
// It counts its allocator calls (export probe_allocs) so tests can see
// whether the host called the allocator for empty data.
package main

func main() {}
