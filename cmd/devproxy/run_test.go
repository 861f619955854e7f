package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
)

// syncBuffer is a bytes.Buffer safe for the proxy's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func pluginFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "cors.wasm")
	if err := os.WriteFile(path, testwasm.Build(t, testwasm.Plugin), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRefusedConfigExitsNonZeroWithPluginErrors(t *testing.T) {
	var stdout, stderr syncBuffer
	bad := `{"policies":[{"name":"api","allow_origins":["https://*.com","*"],"allow_credentials":true}]}`
	// Were the configuration accepted, run would serve until cancelled: the
	// deadline turns that regression into a failure, not a hung go test.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := run(ctx, []string{"-wasm", pluginFile(t), "-config", "-", "-listen", "127.0.0.1:0"},
		strings.NewReader(bad), &stdout, &stderr, nil)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		`plugin [critical] cors-wasm: configuration refused: policies[0].allow_origins[0]: "https://*.com": wildcard over a public suffix`,
		`plugin [critical] cors-wasm: configuration refused: policies[0].allow_origins[1]: "*": cannot allow every origin together with allow_credentials`,
		"devproxy: the plugin refused the configuration in -",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},                             // no -config
		{"-config", "x.json", "extra"}, // stray argument
		{"-config", "x.json", "-upstream", "ftp://x"},
		{"-config", "x.json", "-log-level", "loud"},
	} {
		var stdout, stderr syncBuffer
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, nil); code != 2 {
			t.Errorf("%q: exit code %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// The example configuration serves the demo: a preflight is answered by the
// plugin, an actual request reaches the upstream, each gets an access line.
func TestServesExampleConfig(t *testing.T) {
	var upstreamCalls sync.Map
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamCalls.Store(r.Method, true)
		w.Write([]byte(`{"items":[]}`))
	}))
	defer up.Close()
	d := startDevproxyOn(t, up.URL, nil, "-config", "../../examples/config.json")
	pre, _ := http.NewRequest("OPTIONS", d.base+"/api/items/1", nil)
	pre.Header.Set("Origin", "http://127.0.0.1:3000")
	pre.Header.Set("Access-Control-Request-Method", "PUT")
	pre.Header.Set("Access-Control-Request-Headers", "x-demo-token,content-type")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:3000" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	get, _ := http.NewRequest("GET", d.base+"/api/items", nil)
	get.Header.Set("Origin", "http://127.0.0.1:3000")
	resp, err = http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("actual request: %d %v", resp.StatusCode, resp.Header)
	}
	if code := d.stop(); code != 0 {
		t.Errorf("exit code after shutdown %d", code)
	}
	if _, ok := upstreamCalls.Load("OPTIONS"); ok {
		t.Error("the preflight reached the upstream")
	}
	log := d.stdout.String()
	for _, want := range []string{`OPTIONS "/api/items/1" origin="http://127.0.0.1:3000" status=200 cors=cors_preflight`,
		`GET "/api/items" origin="http://127.0.0.1:3000" status=200 cors=cors_allowed`} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %q:\n%s", want, log)
		}
	}
}
