package wasmhost_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// probe is a VM of internal/probeplugin with its log.
type probe struct {
	vm   *wasmhost.VM
	logs *wasmhost.Logs
}

func newProbe(t *testing.T, config string) *probe {
	t.Helper()
	logs := wasmhost.NewLogs(wasmhost.LevelTrace)
	vm, err := compile(t, testwasm.ProbePlugin).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(config), Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close() })
	return &probe{vm: vm, logs: logs}
}

// lines returns the plugin's log lines after mark that start with prefix.
func (p *probe) lines(mark int, prefix string) []string {
	var out []string
	for _, l := range p.logs.Since(mark) {
		if strings.HasPrefix(l.Msg, prefix) {
			out = append(out, l.Msg)
		}
	}
	return out
}

// Envoy sends a local reply the plugin made in proxy_on_request_headers
// through the encoder filters, so the same plugin's proxy_on_response_headers
// runs on it (envoy source/common/http/filter_manager.cc,
// DownstreamFilterManager::sendLocalReplyViaFilterChain calls encodeHeaders
// from the first encoder filter), and the stream then ends with on_log,
// on_done, on_delete (source/common/http/conn_manager_impl.cc,
// ConnectionManagerImpl::doDeferredStreamDestroy: filter_manager_.log() before
// destroyFilters(); source/extensions/common/wasm/context.cc Context::log ->
// onLog, Context::onDestroy -> onDone, onDelete).
func TestCallbackOrderLikeEnvoy(t *testing.T) {
	cases := []struct {
		name     string
		request  [][2]string
		upstream bool
	}{
		{"forwarded request", [][2]string{{":method", "GET"}}, true},
		{"local reply", [][2]string{{":method", "OPTIONS"}, {"x-probe-local", "204"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProbe(t, "{}")
			mark := p.logs.Len()
			s := p.vm.NewStream()
			id := " " + strconvU(s.ID())
			if _, err := s.RequestHeaders(c.request, true); err != nil {
				t.Fatal(err)
			}
			if c.upstream {
				if _, err := s.ResponseHeaders([][2]string{{":status", "200"}}, false); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			want := []string{"cb context_create" + id, "cb request_headers" + id, "cb response_headers" + id,
				"cb log" + id, "cb done" + id, "cb delete" + id}
			if got := p.lines(mark, "cb "); !slices.Equal(got, want) {
				t.Errorf("callbacks\n got  %q\n want %q", got, want)
			}
		})
	}
}

// The local reply a client receives is what the plugin's
// proxy_on_response_headers left on it.
func TestLocalReplyPassesThroughResponseHeaders(t *testing.T) {
	p := newProbe(t, "{}")
	s := p.vm.NewStream()
	if _, err := s.RequestHeaders([][2]string{{":method", "OPTIONS"}, {"x-probe-local", "204"}}, true); err != nil {
		t.Fatal(err)
	}
	r, ok := s.Local()
	if !ok || r.Status != 204 {
		t.Fatalf("local reply %+v, %v", r, ok)
	}
	if !slices.Contains(r.Headers, [2]string{"x-probe-seen", "204"}) {
		t.Errorf("local reply headers %q: proxy_on_response_headers did not run on it", r.Headers)
	}
	s.Close()
}

func strconvU(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
