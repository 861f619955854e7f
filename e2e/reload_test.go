package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// A configuration update applied while a request is at the upstream: the
// request finishes under the configuration it was decided by, new requests
// get the new one; a refused update changes nothing (wasmhost/reconfigure.go,
// as Envoy: a new root context in the same VM, the old drained).
func TestRequestsAcrossReloads(t *testing.T) {
	const (
		configA = `{"policies":[{"name":"api","allow_origins":["https://a.test"]}]}`
		configB = `{"policies":[{"name":"api","allow_origins":["https://b.test"]}]}`
		refused = `{"policies":[{"name":"api","allow_origins":["https://*.com"]}]}`
	)
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Hold") != "" {
			arrived <- struct{}{}
			<-release
		}
		w.Write([]byte("ok"))
	}))
	defer up.Close()
	pool, err := pluginModule(t).NewPool(context.Background(), 1, wasmhost.VMConfig{PluginConfig: []byte(configA)})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	u, _ := url.Parse(up.URL)
	front := httptest.NewServer(wasmhost.NewProxy(pool, u))
	defer front.Close()
	acao := func(origin string, hold bool) string {
		req, _ := http.NewRequest("GET", front.URL+"/", nil)
		req.Header.Set("Origin", origin)
		if hold {
			req.Header.Set("X-Hold", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Access-Control-Allow-Origin")
	}

	inflight := make(chan string, 1)
	go func() { inflight <- acao("https://a.test", true) }()
	<-arrived // decided under configA, now at the upstream
	if err := pool.Reconfigure([]byte(configB)); err != nil {
		t.Fatal(err)
	}
	close(release)
	if got := <-inflight; got != "https://a.test" {
		t.Errorf("request in flight across the reload: ACAO %q, want https://a.test (its own configuration)", got)
	}
	if got := acao("https://b.test", false); got != "https://b.test" {
		t.Errorf("after the reload, b.test: ACAO %q", got)
	}
	if got := acao("https://a.test", false); got != "" {
		t.Errorf("after the reload, a.test is still granted: %q", got)
	}

	var ce *wasmhost.ConfigError
	if err := pool.Reconfigure([]byte(refused)); !errors.As(err, &ce) {
		t.Fatalf("refused reload: %v, want a *ConfigError", err)
	}
	if got := acao("https://b.test", false); got != "https://b.test" {
		t.Errorf("after a refused reload, b.test: ACAO %q, want the previous configuration serving", got)
	}
}

// 1,000 reloads (every tenth one refused) with streams between them, after
// 500 to warm up: the VM's linear memory stays flat (within one step of the
// Go heap, far below what a leak per reload would add) and no root context is
// left behind.
func TestSoakThousandReloads(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short (make test runs it)")
	}
	configs := []string{bigConfig(10, 500), bigConfig(5, 10), bigConfig(10, 500)}
	vm, err := pluginModule(t).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(configs[0])})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	var warm uint32
	const warmup, maxStep = 500, 1<<20 + 1<<19
	for i := 1; i <= warmup+1000; i++ {
		config := configs[i%len(configs)]
		if i%10 == 0 {
			config = `{"policies":[{"name":"bad","allow_origins":["*"],"allow_credentials":true}]}`
		}
		err := vm.Reconfigure([]byte(config))
		var ce *wasmhost.ConfigError
		if refused := errors.As(err, &ce); refused != (i%10 == 0) || (err != nil && !refused) {
			t.Fatalf("reload %d: %v", i, err)
		}
		s := vm.NewStream()
		if _, err := s.RequestHeaders([][2]string{{":method", "GET"}, {":path", "/p0/x"}, {"origin", "https://app1.p0.example.com"}}, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResponseHeaders([][2]string{{":status", "200"}}, false); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if vm.Roots() != 1 {
			t.Fatalf("reload %d: %d root contexts alive, want 1", i, vm.Roots())
		}
		if i == warmup {
			warm = vm.MemoryBytes()
		}
	}
	// The Go heap may still step up once (the collector's pacing), by about
	// 1 MiB; a leak of as little as 2 KiB per reload would add 2 MiB here.
	if got := vm.MemoryBytes(); got > warm+maxStep {
		t.Errorf("linear memory grew from %d bytes after the warm-up to %d after 1,000 more reloads", warm, got)
	}
	t.Logf("linear memory %d bytes after the warm-up, %d after 1,000 more reloads", warm, vm.MemoryBytes())
}
