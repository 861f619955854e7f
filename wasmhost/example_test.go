package wasmhost_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// buildPlugin compiles a proxy-wasm plugin written in standard Go the way
// Envoy loads it: a WASI reactor (-buildmode=c-shared).
func buildPlugin(dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "plugin")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "plugin.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, dir)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s: %v\n%s", dir, err, msg)
	}
	return os.ReadFile(out)
}

// A plugin's streams driven as Envoy drives them, with no HTTP involved.
// testdata/tagplugin adds its configured header to every response, answers
// /admin/... itself with 403, and counts requests.
func Example() {
	ctx := context.Background()
	wasm, err := buildPlugin("./testdata/tagplugin")
	if err != nil {
		log.Fatal(err)
	}
	engine, err := wasmhost.NewEngine(ctx, wasmhost.Options{}) // the current Envoy host
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close(ctx)
	module, err := engine.Compile(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}
	metrics := wasmhost.NewMetrics()
	vm, err := module.NewVM(ctx, wasmhost.VMConfig{PluginConfig: []byte("x-served-by: edge-1"), Metrics: metrics})
	if err != nil {
		log.Fatal(err)
	}
	defer vm.Close()

	// A request the plugin lets through, then the upstream's response.
	s := vm.NewStream()
	action, err := s.RequestHeaders([][2]string{{":method", "GET"}, {":path", "/items"}, {":authority", "api.test"}}, true)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.ResponseHeaders([][2]string{{":status", "200"}, {"content-type", "application/json"}}, false); err != nil {
		log.Fatal(err)
	}
	fmt.Println("request:", action)
	fmt.Println("response:", s.ResponseHeaderMap())
	if err := s.Close(); err != nil { // proxy_on_log, proxy_on_done, proxy_on_delete
		log.Fatal(err)
	}

	// A request the plugin answers itself. As in Envoy, the local reply
	// passes through the plugin's own proxy_on_response_headers.
	s = vm.NewStream()
	action, err = s.RequestHeaders([][2]string{{":method", "GET"}, {":path", "/admin/users"}, {":authority", "api.test"}}, true)
	if err != nil {
		log.Fatal(err)
	}
	reply, _ := s.Local()
	fmt.Println("request:", action)
	fmt.Printf("local reply: %d %s %v %q\n", reply.Status, reply.Details, reply.Headers, reply.Body)
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}

	requests, _ := metrics.Get("tag.requests")
	fmt.Println("tag.requests:", requests)

	// A configuration the plugin refuses: Envoy would reject the listener.
	_, err = module.NewVM(ctx, wasmhost.VMConfig{PluginConfig: []byte("x-served-by")})
	fmt.Println(err)

	// Output:
	// request: continue
	// response: [[:status 200] [content-type application/json] [x-served-by edge-1]]
	// request: pause
	// local reply: 403 tag_forbidden [[x-served-by edge-1]] "forbidden\n"
	// tag.requests: 2
	// wasmhost: the plugin refused its configuration
	//   [critical] tagplugin: the configuration must be one header line "name: value", got "x-served-by"
}
