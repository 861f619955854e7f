// Command devproxy is a local stand-in for Envoy: it loads a proxy-wasm
// plugin (build/cors.wasm) into wasmhost and serves HTTP in front of an
// upstream, with one access-log line per request.
//
//	go run ./cmd/devproxy -wasm build/cors.wasm -config examples/config.json \
//	    -listen 127.0.0.1:10000 -upstream http://127.0.0.1:8080
//
// -config - reads the configuration from stdin. A configuration the plugin
// refuses makes devproxy exit with status 1 and the plugin's error lines.
// `make run` uses -demo-api and -demo-page to serve the demo upstream and page
// in the same process instead of -upstream, and -exit-with-parent.
// Every port is bound first: a taken one is named and nothing starts.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil))
}
