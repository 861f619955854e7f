package wasmhost_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// The plugin in front of an HTTP upstream, two VMs as two Envoy workers,
// with an access log (buildPlugin is in the package example).
func ExampleNewProxy() {
	ctx := context.Background()
	wasm, err := buildPlugin("./testdata/tagplugin")
	if err != nil {
		log.Fatal(err)
	}
	engine, err := wasmhost.NewEngine(ctx, wasmhost.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close(ctx)
	module, err := engine.Compile(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}
	pool, err := module.NewPool(ctx, 2, wasmhost.VMConfig{PluginConfig: []byte("x-served-by: edge-1")})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "items")
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	proxy := wasmhost.NewProxy(pool, target)
	var access []string
	proxy.AccessLog = func(e wasmhost.AccessEntry) { // runs when the stream has ended
		access = append(access, fmt.Sprint(e.Request.Method, " ", e.Request.URL.Path, " ", e.Status, " ", e.Details, " ", e.Counters))
	}
	front := httptest.NewServer(proxy)

	for _, path := range []string{"/items", "/admin/users"} {
		resp, err := http.Get(front.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode, resp.Header.Get("X-Served-By"))
	}
	front.Close() // waits for the handlers, and so for the access log
	for _, line := range access {
		fmt.Println("access:", line)
	}
	// Output:
	// /items 200 edge-1
	// /admin/users 403 edge-1
	// access: GET /items 200 via_upstream [tag.requests]
	// access: GET /admin/users 403 tag_forbidden [tag.requests]
}
