//go:build unix

package main

import (
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
)

// SIGHUP reloads the configuration file; a file the plugin refuses leaves
// the previous configuration serving.
func TestSIGHUPReloadsTheConfiguration(t *testing.T) {
	reloaded = make(chan string, 1)
	defer func() { reloaded = nil }()
	path := writeFile(t, `{"policies":[{"name":"api","allow_origins":["https://a.test"]}]}`)
	d := startDevproxy(t, "-config", path)
	acao := func(origin string) string {
		req, _ := http.NewRequest("GET", d.base+"/", nil)
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Access-Control-Allow-Origin")
	}
	hup := func(config string) string {
		if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		return <-reloaded
	}
	if got := acao("https://a.test"); got != "https://a.test" {
		t.Fatalf("before the reload: ACAO %q", got)
	}
	if msg := hup(`{"policies":[{"name":"api","allow_origins":["https://b.test"]}]}`); !strings.Contains(msg, "reloaded") {
		t.Fatalf("reload: %q", msg)
	}
	if a, b := acao("https://a.test"), acao("https://b.test"); a != "" || b != "https://b.test" {
		t.Errorf("after the reload: a.test %q, b.test %q", a, b)
	}
	if msg := hup(`{"policies":[{"name":"api","allow_origins":["https://*.com"]}]}`); !strings.Contains(msg, "refused") {
		t.Fatalf("refused reload: %q", msg)
	}
	if got := acao("https://b.test"); got != "https://b.test" {
		t.Errorf("after a refused reload: b.test %q, want the previous configuration", got)
	}
	if !strings.Contains(d.stderr.String(), "wildcard over a public suffix") {
		t.Errorf("the refusal's reason is not shown:\n%s", d.stderr.String())
	}
}
