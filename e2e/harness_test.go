package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

var (
	engineOnce sync.Once
	engine     *wasmhost.Engine
	module     *wasmhost.Module
	engineErr  error
)

// pluginModule compiles the plugin once per test process, in the
// envoy-1.33 WASI profile (poll_oneoff answers ENOSYS).
func pluginModule(t testing.TB) *wasmhost.Module {
	t.Helper()
	wasm := testwasm.Build(t, testwasm.Plugin)
	engineOnce.Do(func() {
		ctx := context.Background()
		engine, engineErr = wasmhost.NewEngine(ctx, wasmhost.Options{Profile: wasmhost.ProfileEnvoy133})
		if engineErr == nil {
			module, engineErr = engine.Compile(ctx, wasm)
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return module
}

// upstream is a real HTTP server that records its calls and answers with
// the header lines the current test sets.
type upstream struct {
	*httptest.Server
	calls atomic.Int64
	mu    sync.Mutex
	lines [][2]string
}

func newUpstream(t testing.TB) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.calls.Add(1)
		u.mu.Lock()
		for _, l := range u.lines {
			w.Header().Add(l[0], l[1])
		}
		u.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) answer(lines [][2]string) {
	u.mu.Lock()
	u.lines = lines
	u.mu.Unlock()
}

// proxy is the plugin in wasmhost in front of an upstream.
type proxy struct {
	*httptest.Server
	pool *wasmhost.Pool
	up   *upstream
}

func newProxy(t testing.TB, config string) *proxy {
	t.Helper()
	pool, err := pluginModule(t).NewPool(context.Background(), 2, wasmhost.VMConfig{PluginConfig: []byte(config)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	up := newUpstream(t)
	u, _ := url.Parse(up.URL)
	front := httptest.NewServer(wasmhost.NewProxy(pool, u))
	t.Cleanup(front.Close)
	return &proxy{Server: front, pool: pool, up: up}
}
