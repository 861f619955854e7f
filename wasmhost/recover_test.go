package wasmhost_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// internal/abi recovers a panic in a stream callback: no trap, the request
// continues untouched (Continue, not the callback's Pause), one critical log
// line, and the stream's later callbacks and the next streams still run.
func TestABIRecoversStreamPanics(t *testing.T) {
	logs := wasmhost.NewLogs(wasmhost.LevelInfo)
	vm, err := compile(t, testwasm.PanicPlugin).NewVM(context.Background(), wasmhost.VMConfig{Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	s := vm.NewStream()
	a, err := s.RequestHeaders([][2]string{{":method", "GET"}, {"x-panic", "1"}}, true)
	if err != nil || a != wasmhost.ActionContinue {
		t.Fatalf("panicking callback: action %v, err %v; want Continue and no trap", a, err)
	}
	if _, err := s.ResponseHeaders([][2]string{{":status", "200"}}, false); err != nil {
		t.Fatal(err)
	}
	if got := s.ResponseHeaderMap(); len(got) != 1 {
		t.Errorf("the dropped stream's response was modified: %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var critical []string
	for _, l := range logs.Lines() {
		if l.Level == wasmhost.LevelCritical {
			critical = append(critical, l.Msg)
		}
	}
	if len(critical) != 1 || !strings.Contains(critical[0], "panic in proxy_on_request_headers") ||
		!strings.Contains(critical[0], "assignment to entry in nil map") {
		t.Fatalf("critical log lines %q, want one naming the export and the panic", critical)
	}
	next := vm.NewStream()
	if a, err := next.RequestHeaders([][2]string{{":method", "GET"}}, true); err != nil || a != wasmhost.ActionPause {
		t.Fatalf("next stream: %v %v", a, err)
	}
	next.ResponseHeaders([][2]string{{":status", "200"}}, false)
	if got := next.ResponseHeaderMap(); len(got) != 2 || got[1][0] != "x-stream" {
		t.Errorf("next stream's response: %q", got)
	}
	next.Close()
	if vm.Trapped() != nil || vm.LiveStreams() != 0 {
		t.Fatalf("trapped %v, live streams %d", vm.Trapped(), vm.LiveStreams())
	}
}
