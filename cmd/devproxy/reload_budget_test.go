//go:build unix

package main

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A reload to a configuration whose verification would take minutes (100
// regexes of 512 cases each under amazonaws.com: 15.8 s of stalled requests
// for 10 of them before the work budget, many minutes for 100) is refused
// as too complex to verify, and the previous configuration keeps serving.
func TestReloadTooComplexToVerifyIsRefused(t *testing.T) {
	reloaded = make(chan string, 1)
	defer func() { reloaded = nil }()
	path := writeFile(t, `{"policies":[{"name":"api","allow_origins":["https://a.test"]}]}`)
	d := startDevproxy(t, "-config", path)
	expr := `^https://[a-z]+\.` + strings.Repeat("(ab|cd)", 9) + `\.x0\.amazonaws\.com$`
	regexes := make([]string, 100)
	for i := range regexes {
		regexes[i] = expr
	}
	q, _ := json.Marshal(regexes)
	if err := os.WriteFile(path, []byte(`{"policies":[{"name":"api","allow_origin_regexes":`+string(q)+`}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-reloaded:
		if !strings.Contains(msg, "refused") {
			t.Fatalf("reload: %q, want refused", msg)
		}
	case <-time.After(2 * time.Minute): // a guard against a hang, not a speed target
		t.Fatal("the reload did not finish in 2 minutes")
	}
	if !strings.Contains(d.stderr.String(), "too complex to verify") {
		t.Errorf("the refusal's reason is not shown:\n%.2000s", d.stderr.String())
	}
	req, _ := http.NewRequest("GET", d.base+"/", nil)
	req.Header.Set("Origin", "https://a.test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://a.test" {
		t.Errorf("after the refused reload: ACAO %q, want the previous configuration's", got)
	}
}
