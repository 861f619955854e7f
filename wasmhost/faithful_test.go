package wasmhost_test

import (
	"context"
	"slices"
	"strconv"
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
			id := " " + strconv.FormatUint(uint64(s.ID()), 10)
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

// Envoy joins repeated lines of its inline headers into one value with a bare
// "," as the request is decoded (source/common/http/header_map_impl.cc
// HeaderMapImpl::insertByKey -> appendToHeader; origin and the
// access-control-request-* headers are inline because
// source/extensions/filters/http/cors/cors_filter.cc registers them). Other
// headers keep their lines; proxy_get_header_map_value returns the first
// (source/extensions/common/wasm/context.cc Context::getHeaderMapValue).
func TestInlineRequestHeadersArriveJoined(t *testing.T) {
	cases := []struct {
		name  string
		lines [][2]string
		read  string
		want  string
	}{
		{"two Origin lines", [][2]string{{"origin", "https://a.test"}, {"Origin", "https://b.test"}}, "origin", "https://a.test,https://b.test"},
		{"ACRH in three lines", [][2]string{{"access-control-request-headers", "a"}, {"access-control-request-headers", "b, c"}, {"access-control-request-headers", "d"}}, "access-control-request-headers", "a,b, c,d"},
		{"an empty line adds nothing", [][2]string{{"origin", "https://a.test"}, {"origin", ""}}, "origin", "https://a.test"},
		{"a header that is not inline keeps its lines", [][2]string{{"x-custom", "1"}, {"x-custom", "2"}}, "x-custom", "1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProbe(t, "{}")
			mark := p.logs.Len()
			s := p.vm.NewStream()
			if _, err := s.RequestHeaders(append(c.lines, [2]string{"x-probe-read", c.read}), true); err != nil {
				t.Fatal(err)
			}
			s.Close()
			got := p.lines(mark, "read ")
			if len(got) != 1 || !strings.HasPrefix(got[0], "read 0 ") || !strings.HasSuffix(got[0], " "+c.want) {
				t.Errorf("plugin read %q, want status 0 and value %q", got, c.want)
			}
		})
	}
}

// Envoy never calls the guest allocator for empty data: it writes pointer 0
// and size 0 (proxy-wasm-cpp-host include/proxy-wasm/wasm.h
// WasmBase::copyToPointerSize skips allocMemory when size is 0; src/exports.cc
// get_buffer_bytes writes 0/0 for an empty range).
func TestEmptyDataIsPointerZeroSizeZero(t *testing.T) {
	p := newProbe(t, "")
	if got := p.lines(0, "config "); len(got) != 1 || got[0] != "config 0 0 0" {
		t.Errorf("empty plugin configuration: %q, want status 0, pointer 0, size 0", got)
	}
	mark := p.logs.Len()
	s := p.vm.NewStream()
	if _, err := s.RequestHeaders([][2]string{{"x-empty", ""}, {"x-probe-read", "x-empty"}}, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := p.lines(mark, "read "); len(got) != 1 || got[0] != "read 0 0 0 " {
		t.Errorf("empty header value: %q, want status 0, pointer 0, size 0", got)
	}
}

// A new configuration makes a new root context in the same VM (proxy-wasm-
// cpp-host src/wasm.cc WasmBase::start -> ContextBase::onStart, then
// WasmBase::configure); a stream in flight finishes under the old root, which
// is shut down (proxy_on_done, proxy_on_delete: WasmBase::startShutdown)
// only after that stream has ended.
func TestReconfigureMakesANewRootInTheSameVM(t *testing.T) {
	p := newProbe(t, "{}")
	inflight := p.vm.NewStream()
	if _, err := inflight.RequestHeaders([][2]string{{":method", "GET"}}, true); err != nil {
		t.Fatal(err)
	}
	mark := p.logs.Len()
	if err := p.vm.Reconfigure([]byte(`{"v":2}`)); err != nil {
		t.Fatal(err)
	}
	newRoot := strings.TrimPrefix(p.lines(mark, "cb context_create ")[0], "cb context_create ")
	if got := p.lines(mark, "cb "); !slices.Equal(got, []string{"cb context_create " + newRoot, "cb vm_start " + newRoot, "cb configure " + newRoot}) {
		t.Fatalf("reconfigure callbacks %q", got)
	}
	if p.vm.Roots() != 2 {
		t.Fatalf("%d roots while a stream of the old one runs, want 2", p.vm.Roots())
	}
	if _, err := inflight.ResponseHeaders([][2]string{{":status", "200"}}, false); err != nil {
		t.Fatal(err)
	}
	mark = p.logs.Len()
	if err := inflight.Close(); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatUint(uint64(inflight.ID()), 10)
	want := []string{"cb log " + id, "cb done " + id, "cb delete " + id, "cb done 1", "cb delete 1"}
	if got := p.lines(mark, "cb "); !slices.Equal(got, want) {
		t.Errorf("closing the last stream of the old root:\n got  %q\n want %q", got, want)
	}
	if p.vm.Roots() != 1 {
		t.Errorf("%d roots after the old one drained, want 1", p.vm.Roots())
	}
	mark = p.logs.Len()
	next := p.vm.NewStream()
	next.RequestHeaders([][2]string{{":method", "GET"}}, true)
	next.Close()
	if got := p.lines(mark, "cb context_create "); len(got) != 1 {
		t.Errorf("new stream: %q", got)
	}
}
