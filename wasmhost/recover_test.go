package wasmhost_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// A panic the ABI layer recovers fails the stream closed (internal/abi
// panic_wasip1.go failStream): the client gets a local 500 with no CORS
// headers, the upstream is never called for a request-phase panic, the
// response-phase panic replaces the upstream's answer (whatever the callback
// had added before panicking is gone), one critical line is logged per panic,
// and the VM keeps serving without a trap.
func TestRecoveredPanicFailsTheStreamClosed(t *testing.T) {
	var upstreamCalls atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamCalls.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "https://upstream.test")
		w.Write([]byte("upstream body"))
	}))
	defer up.Close()
	logs := wasmhost.NewLogs(wasmhost.LevelInfo)
	pool, err := compile(t, testwasm.PanicPlugin).NewPool(context.Background(), 1, wasmhost.VMConfig{Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	u, _ := url.Parse(up.URL)
	front := httptest.NewServer(wasmhost.NewProxy(pool, u))
	defer front.Close()

	cases := []struct {
		name         string
		header       string
		status       int
		upstream     bool
		body, stream string
	}{
		{"request callback panics", "X-Panic", 500, false, "", ""},
		{"response callback panics", "X-Panic-Response", 500, true, "", ""},
		{"a later request is served", "", 200, true, "upstream body", "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := upstreamCalls.Load()
			req, _ := http.NewRequest("OPTIONS", front.URL+"/", nil)
			req.Header.Set("Origin", "https://app.test")
			req.Header.Set("Access-Control-Request-Method", "PUT")
			if c.header != "" {
				req.Header.Set(c.header, "1")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || string(body) != c.body || resp.Header.Get("X-Stream") != c.stream {
				t.Errorf("status %d body %q x-stream %q; want %d %q %q", resp.StatusCode, body, resp.Header.Get("X-Stream"), c.status, c.body, c.stream)
			}
			if called := upstreamCalls.Load() > before; called != c.upstream {
				t.Errorf("upstream called %v, want %v", called, c.upstream)
			}
			for k := range resp.Header {
				if c.status == 500 && strings.HasPrefix(strings.ToLower(k), "access-control-") {
					t.Errorf("the failed stream's reply carries %s", k)
				}
			}
		})
	}
	var critical []string
	for _, l := range logs.Lines() {
		if l.Level == wasmhost.LevelCritical {
			critical = append(critical, l.Msg)
		}
	}
	if len(critical) != 2 || !strings.Contains(critical[0], "panic in proxy_on_request_headers") ||
		!strings.Contains(critical[0], "assignment to entry in nil map") || !strings.Contains(critical[1], "panic in proxy_on_response_headers") {
		t.Errorf("critical log lines %q, want one per panic naming the export and the panic", critical)
	}
	if pool.Replaced.Load() != 0 {
		t.Errorf("%d VMs replaced: a recovered panic must not trap", pool.Replaced.Load())
	}
}
