package main

import (
	"context"
	"net"
	"strings"
	"testing"
)

// A taken port stops devproxy before it does anything else: the error names
// the port and the flag, and the plugin is not even read (the -wasm path
// below does not exist), so nothing was started.
func TestRefusesTakenPortBeforeStartingAnything(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	for _, c := range []struct {
		name string
		args []string
		flag string
	}{
		{"proxy port", []string{"-listen", addr}, "-listen"},
		{"demo API port", []string{"-listen", "127.0.0.1:0", "-demo-api", addr, "-demo-page", "127.0.0.1:0"}, "-demo-api"},
		{"demo page port", []string{"-listen", "127.0.0.1:0", "-demo-api", "127.0.0.1:0", "-demo-page", addr}, "-demo-page"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			args := append([]string{"-wasm", "does-not-exist.wasm", "-config", "-"}, c.args...)
			code := run(context.Background(), args, strings.NewReader(`{}`), &stdout, &stderr, nil)
			want := "devproxy: port " + port + " is taken (" + c.flag + " " + addr + "): "
			if code != 1 || !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "nothing was started") {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), want)
			}
			if strings.Contains(stderr.String(), "does-not-exist") || stdout.String() != "" {
				t.Errorf("devproxy went on after the taken port: stdout %q stderr %q", stdout.String(), stderr.String())
			}
		})
	}
	// The ports bound before the taken one are released again.
	t.Run("earlier ports released", func(t *testing.T) {
		free, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		freeAddr := free.Addr().String()
		free.Close()
		var stdout, stderr syncBuffer
		run(context.Background(), []string{"-wasm", "x", "-config", "-", "-listen", freeAddr, "-demo-api", addr},
			strings.NewReader(`{}`), &stdout, &stderr, nil)
		ln, err := net.Listen("tcp", freeAddr)
		if err != nil {
			t.Fatalf("%s still held after the refusal: %v", freeAddr, err)
		}
		ln.Close()
	})
}

func TestUpstreamAndDemoAPIExcludeEachOther(t *testing.T) {
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"-config", "x.json", "-upstream", "http://127.0.0.1:1", "-demo-api", "127.0.0.1:0"},
		strings.NewReader(""), &stdout, &stderr, nil)
	if code != 2 || !strings.Contains(stderr.String(), "-upstream and -demo-api exclude each other") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
