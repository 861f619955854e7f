package wasmhost_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

func compile(t *testing.T, pkg string) *wasmhost.Module {
	t.Helper()
	ctx := context.Background()
	e, err := wasmhost.NewEngine(ctx, wasmhost.Options{Profile: wasmhost.ProfileEnvoy133})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(ctx) })
	m, err := e.Compile(ctx, testwasm.Build(t, pkg))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A trap fails the stream with 503 (Envoy's fail-closed default); the VM is
// replaced and the host keeps serving.
func TestTrapAnswers503AndHostKeepsServing(t *testing.T) {
	var upstreamCalls atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamCalls.Add(1)
		w.Write([]byte("ok"))
	}))
	defer up.Close()
	pool, err := compile(t, testwasm.TrapPlugin).NewPool(context.Background(), 2, wasmhost.VMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	u, _ := url.Parse(up.URL)
	proxy := wasmhost.NewProxy(pool, u)
	var details []string
	proxy.AccessLog = func(e wasmhost.AccessEntry) { details = append(details, e.Details) }
	front := httptest.NewServer(proxy)
	defer front.Close()

	get := func(trap bool) int {
		req, _ := http.NewRequest("GET", front.URL+"/", nil)
		if trap {
			req.Header.Set("X-Trap", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < 3; i++ {
		if st := get(true); st != http.StatusServiceUnavailable {
			t.Errorf("trapping request %d: status %d, want 503", i, st)
		}
		if st := get(false); st != http.StatusOK {
			t.Errorf("request after a trap: status %d, want 200", st)
		}
	}
	failed, up3 := wasmhost.DetailsPluginFailed, wasmhost.DetailsViaUpstream
	if want := []string{failed, up3, failed, up3, failed, up3}; !slices.Equal(details, want) {
		t.Errorf("access log details %q, want %q", details, want)
	}
	if pool.Replaced.Load() != 3 || upstreamCalls.Load() != 3 {
		t.Errorf("VMs replaced %d, upstream calls %d; want 3 and 3", pool.Replaced.Load(), upstreamCalls.Load())
	}
	var logged bool
	for _, l := range pool.Logs().Lines() {
		logged = logged || strings.Contains(l.Msg, "the plugin trapped")
	}
	if !logged {
		t.Errorf("the trap was not logged")
	}
}

// A refused configuration is a *ConfigError that carries the plugin's own
// account of why (its warning and worse log lines).
func TestRefusedConfigurationShowsPluginLogs(t *testing.T) {
	_, err := compile(t, tagPlugin).NewPool(context.Background(), 1, wasmhost.VMConfig{PluginConfig: []byte("no header line")})
	var ce *wasmhost.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	if !strings.Contains(err.Error(), `[critical] tagplugin: the configuration must be one header line "name: value", got "no header line"`) {
		t.Errorf("error does not carry the plugin's log line:\n%v", err)
	}
}
