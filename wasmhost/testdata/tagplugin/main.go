// Command tagplugin is a small proxy-wasm plugin written in standard Go, the
// stand-in for someone else's plugin in wasmhost's example and tests. It
// knows nothing of CORS:
//
//   - its configuration is one header line, "name: value", that it adds to
//     every response; anything else is refused (proxy_on_configure answers
//     false) with a critical log line saying why;
//   - it answers requests for /admin/... itself: 403, details
//     "tag_forbidden", body "forbidden\n";
//   - it counts requests in the counter "tag.requests".
//
// Build it as Envoy loads it, a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o tag.wasm .
package main

func main() {}
