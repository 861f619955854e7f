package wasmhost_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	front := httptest.NewServer(wasmhost.NewProxy(pool, u))
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

func TestRefusedConfigurationShowsPluginLogs(t *testing.T) {
	_, err := compile(t, testwasm.Plugin).NewPool(context.Background(), 1,
		wasmhost.VMConfig{PluginConfig: []byte(`{"policies":[{"name":"api","allow_origins":["*"],"allow_credentials":true}]}`)})
	var ce *wasmhost.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	if !strings.Contains(err.Error(), `policies[0].allow_origins[0]: "*": cannot allow every origin together with allow_credentials`) {
		t.Errorf("error does not carry the plugin's log line:\n%v", err)
	}
}
