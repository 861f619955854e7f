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
	modulesMu sync.Mutex
	modules   = map[wasmhost.Profile]*wasmhost.Module{}
)

// profiles are the Envoy host releases the request tables run under: the
// current one (poll_oneoff answers, wider restricted-call lists) and the
// older one of Envoy 1.33 .. (poll_oneoff ENOSYS, shorter lists).
var profiles = []wasmhost.Profile{wasmhost.ProfileCurrent, wasmhost.ProfileEnvoy133}

// pluginModule compiles the plugin once per test process for the current
// host profile.
func pluginModule(t testing.TB) *wasmhost.Module { return pluginModuleFor(t, wasmhost.ProfileCurrent) }

// pluginModuleFor compiles the plugin once per test process and profile.
func pluginModuleFor(t testing.TB, profile wasmhost.Profile) *wasmhost.Module {
	t.Helper()
	wasm := testwasm.Build(t, testwasm.Plugin)
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m := modules[profile]; m != nil {
		return m
	}
	ctx := context.Background()
	engine, err := wasmhost.NewEngine(ctx, wasmhost.Options{Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Compile(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	modules[profile] = m
	return m
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
	return newProxyFor(t, wasmhost.ProfileCurrent, config)
}

// newProxyFor is newProxy in a given host profile.
func newProxyFor(t testing.TB, profile wasmhost.Profile, config string) *proxy {
	t.Helper()
	pool, err := pluginModuleFor(t, profile).NewPool(context.Background(), 2, wasmhost.VMConfig{PluginConfig: []byte(config)})
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
