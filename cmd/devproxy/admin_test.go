package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// devproxy is a running devproxy for tests.
type devproxy struct {
	base           string
	stdout, stderr *syncBuffer
	stop           func() int
}

// startDevproxy runs devproxy with args plus a plugin, -listen on a port the
// OS picks and an upstream that answers 200.
func startDevproxy(t *testing.T, args ...string) *devproxy {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(up.Close)
	return startDevproxyOn(t, up.URL, nil, args...)
}

// startDevproxyOn is startDevproxy in front of upstream, reading stdin (for
// -config -); later args override the defaults (-workers 2).
func startDevproxyOn(t *testing.T, upstream string, stdin io.Reader, args ...string) *devproxy {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &devproxy{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	addr := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-wasm", pluginFile(t), "-listen", "127.0.0.1:0", "-upstream", upstream, "-workers", "2"}, args...),
			stdin, d.stdout, d.stderr, func(a string) { addr <- a })
	}()
	select {
	case a := <-addr:
		d.base = "http://" + a
	case code := <-done:
		cancel()
		t.Fatalf("devproxy exited with %d:\n%s", code, d.stderr.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("devproxy did not start")
	}
	stopped := false
	var code int
	d.stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code
	}
	t.Cleanup(func() { d.stop() })
	return d
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// The admin port shows the plugin's counters under the names a user queries
// in Envoy: wasmcustom.<name> in /stats, the bare sanitized name in
// /stats/prometheus (README "Metrics").
func TestAdminStatsShowEnvoyNames(t *testing.T) {
	config := writeFile(t, `{"policies":[{"name":"api","allow_origins":["https://app.test"],"allow_methods":["PUT"]}]}`)
	d := startDevproxy(t, "-config", config, "-admin", "127.0.0.1:0")
	m := regexp.MustCompile(`admin on (http://\S+)`).FindStringSubmatch(d.stdout.String())
	if m == nil {
		t.Fatalf("no admin address in stdout:\n%s", d.stdout.String())
	}
	admin := m[1]
	pre, _ := http.NewRequest("OPTIONS", d.base+"/x", nil)
	pre.Header.Set("Origin", "https://app.test")
	pre.Header.Set("Access-Control-Request-Method", "PUT")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stats := get(t, admin+"/stats?filter=wasmcustom")
	for _, want := range []string{"wasmcustom.cors.api.preflight_allowed: 1\n", "wasmcustom.cors.api.actual_allowed: 0\n"} {
		if !strings.Contains(stats, want) {
			t.Errorf("/stats lacks %q:\n%s", want, stats)
		}
	}
	if got := get(t, admin+"/stats?filter=preflight_allowed"); strings.Count(got, "\n") != 1 {
		t.Errorf("/stats?filter=preflight_allowed: %q, want one line", got)
	}
	prom := get(t, admin+"/stats/prometheus")
	for _, want := range []string{"# TYPE cors_api_preflight_allowed counter\ncors_api_preflight_allowed{} 1\n",
		"# TYPE cors_api_preflight_rejected_origin counter\n"} {
		if !strings.Contains(prom, want) {
			t.Errorf("/stats/prometheus lacks %q:\n%s", want, prom)
		}
	}
	if strings.Contains(prom, "wasmcustom") || strings.Contains(prom, "envoy_") {
		t.Errorf("Prometheus names keep a prefix Envoy drops:\n%s", prom)
	}
}
