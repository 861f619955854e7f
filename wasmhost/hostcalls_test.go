package wasmhost

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
)

// hostcallVM is a VM of the trap test plugin (its allocator serves any size)
// with one live stream and a scratch page for call arguments.
type hostcallVM struct {
	*VM
	t       *testing.T
	s       *Stream
	scratch uint32
}

func newHostcallVM(t *testing.T, profile Profile) *hostcallVM {
	t.Helper()
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(ctx) })
	m, err := e.Compile(ctx, testwasm.Build(t, testwasm.TrapPlugin))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := m.NewVM(ctx, VMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	s := vm.NewStream()
	s.created, s.reqOpen, s.respOpen = true, true, true
	vm.streams[s.id] = s
	vm.setCurrent(s.id, s)
	prev, ok := vm.mem.Grow(1)
	if !ok {
		t.Fatal("cannot grow memory")
	}
	return &hostcallVM{VM: vm, t: t, s: s, scratch: prev * 65536}
}

// str writes s into scratch memory and returns (ptr, len).
func (h *hostcallVM) str(off uint32, s string) (uint64, uint64) {
	h.mem.Write(h.scratch+off, []byte(s))
	return uint64(h.scratch + off), uint64(len(s))
}

// call runs a host function as the guest would, with junk in the upper bits
// of i32 parameters (wazero leaves them undefined).
func (h *hostcallVM) call(table map[string]hostFunc, name string, args ...uint64) uint64 {
	f := table[name]
	stack := make([]uint64, max(len(args), len(f.results)))
	for i, a := range args {
		if f.params[i] == i32 {
			a |= 0xdead_beef << 32
		}
		stack[i] = a
	}
	module := "env"
	if _, ok := envFunctions[name]; !ok {
		module = wasiModule
	}
	checked(module, name, f.masked()).Call(h.ctx, h.mod, stack)
	return stack[0]
}

// out reads the (ptr, size) pair the host wrote at scratch+off.
func (h *hostcallVM) out(off uint32) string {
	ptr, _ := h.mem.ReadUint32Le(h.scratch + off)
	size, _ := h.mem.ReadUint32Le(h.scratch + off + 4)
	b, _ := h.mem.Read(ptr, size)
	return string(b)
}

func TestHeaderCallsBehaveLikeEnvoy(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	h.s.req.set(requestInline, [][2]string{{":method", "GET"}, {"X-Dup", "https://a.example"}, {"x-dup", "https://b.example"}})
	k, kl := h.str(0, "X-DUP")
	if st := h.call(envFunctions, "proxy_get_header_map_value", mapRequestHeaders, k, kl, uint64(h.scratch+100), uint64(h.scratch+104)); st != statusOK {
		t.Fatalf("get value: status %d", st)
	}
	if got := h.out(100); got != "https://a.example" {
		t.Errorf("get value of a repeated header = %q, want the first value only", got)
	}
	if st := h.call(envFunctions, "proxy_get_header_map_pairs", mapRequestHeaders, uint64(h.scratch+100), uint64(h.scratch+104)); st != statusOK {
		t.Fatalf("get pairs: status %d", st)
	}
	pairs, ok := decodeHeaderMap([]byte(h.out(100)))
	if !ok || len(pairs) != 3 || pairs[1][0] != "x-dup" || pairs[2][1] != "https://b.example" {
		t.Errorf("pairs = %q, want every line with lowercase names", pairs)
	}
	m, ml := h.str(200, "X-Missing")
	if st := h.call(envFunctions, "proxy_get_header_map_value", mapRequestHeaders, m, ml, uint64(h.scratch+100), uint64(h.scratch+104)); st != statusNotFound {
		t.Errorf("absent header: status %d, want NOT_FOUND", st)
	}

	// vary is inline in Envoy (registered by the compressor filter): its
	// lines are joined when decoded, and add appends with a bare ",".
	h.s.resp.set(responseInline, [][2]string{{":status", "200"}, {"vary", "a"}, {"x-b", "1"}, {"vary", "b"}, {"x-b", "2"}})
	vk, vkl := h.str(300, "Vary")
	vv, vvl := h.str(320, "Origin")
	h.call(envFunctions, "proxy_add_header_map_value", mapResponseHeaders, vk, vkl, vv, vvl)
	if want := [][2]string{{":status", "200"}, {"vary", "a,b,Origin"}, {"x-b", "1"}, {"x-b", "2"}}; !slices.Equal(h.s.resp, want) {
		t.Errorf("after add: %q, want %q", h.s.resp, want)
	}
	xk, xkl := h.str(340, "x-b")
	h.call(envFunctions, "proxy_add_header_map_value", mapResponseHeaders, xk, xkl, vv, vvl)
	if want := [][2]string{{":status", "200"}, {"vary", "a,b,Origin"}, {"x-b", "1"}, {"x-b", "2"}, {"x-b", "Origin"}}; !slices.Equal(h.s.resp, want) {
		t.Errorf("after adding a header that is not inline: %q, want %q", h.s.resp, want)
	}
	// replace is HeaderMapImpl::setCopy: every line goes, one is added.
	h.call(envFunctions, "proxy_replace_header_map_value", mapResponseHeaders, xk, xkl, vv, vvl)
	h.call(envFunctions, "proxy_replace_header_map_value", mapResponseHeaders, vk, vkl, vv, vvl)
	if want := [][2]string{{":status", "200"}, {"x-b", "Origin"}, {"vary", "Origin"}}; !slices.Equal(h.s.resp, want) {
		t.Errorf("after replace: %q, want %q", h.s.resp, want)
	}
	h.call(envFunctions, "proxy_remove_header_map_value", mapResponseHeaders, xk, xkl)
	h.call(envFunctions, "proxy_remove_header_map_value", mapResponseHeaders, vk, vkl)
	if want := [][2]string{{":status", "200"}}; !slices.Equal(h.s.resp, want) {
		t.Errorf("after remove: %q, want %q", h.s.resp, want)
	}
}

func TestLocalReplyIsDeferredAndRecorded(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	d, dl := h.str(0, "cors_preflight")
	hm := headerMap{{"Access-Control-Allow-Origin", "https://a.example"}}
	enc := make([]byte, hm.size())
	hm.encode(enc)
	h.mem.Write(h.scratch+100, enc)
	st := h.call(envFunctions, "proxy_send_local_response", 204, d, dl, 0, 0, uint64(h.scratch+100), uint64(len(enc)), 0xFFFFFFFF)
	r, ok := h.s.Local()
	if st != statusOK || !ok || r.Status != 204 || r.Details != "cors_preflight" || r.GRPCStatus != -1 ||
		len(r.Headers) != 1 || r.Headers[0][0] != "access-control-allow-origin" {
		t.Fatalf("local reply: status %d, %+v %v", st, r, ok)
	}
	// A stopped stream never reaches the response phase.
	if a, err := h.s.ResponseHeaders([][2]string{{":status", "200"}}, false); a != ActionContinue || err != nil {
		t.Fatalf("response phase after a local reply: %v %v", a, err)
	}
}

func TestCountersRefuseNonPositiveIncrements(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	n, nl := h.str(0, "cors.api.preflight_allowed")
	if st := h.call(envFunctions, "proxy_define_metric", uint64(metricCounter), n, nl, uint64(h.scratch+100)); st != statusOK {
		t.Fatalf("define: %d", st)
	}
	id, _ := h.mem.ReadUint32Le(h.scratch + 100)
	for _, delta := range []int64{0, -1} {
		if st := h.call(envFunctions, "proxy_increment_metric", uint64(id), uint64(delta)); st != statusBadArgument {
			t.Errorf("increment by %d: status %d, want BAD_ARGUMENT", delta, st)
		}
	}
	if st := h.call(envFunctions, "proxy_increment_metric", uint64(id), 2); st != statusOK {
		t.Errorf("increment by 2: status %d", st)
	}
	if v, ok := h.metrics.Get("cors.api.preflight_allowed"); !ok || v != 2 {
		t.Errorf("counter = %d, %v; want 2", v, ok)
	}
	if st := h.call(envFunctions, "proxy_increment_metric", 1000, 1); st != statusNotFound {
		t.Errorf("unknown metric: status %d", st)
	}
}

func TestRestrictedPhasesTrap(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	for _, p := range []phase{phaseInitialize, phaseAllocate} {
		h.phase = p
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "proxy_get_header_map_pairs") {
					t.Errorf("phase %d: host call did not trap (%v)", p, r)
				}
			}()
			h.call(envFunctions, "proxy_get_header_map_pairs", mapRequestHeaders, uint64(h.scratch), uint64(h.scratch+4))
		}()
	}
	m, ml := h.str(0, "hello")
	for _, p := range []phase{phaseInitialize, phaseAllocate} {
		h.phase = p
		if st := h.call(envFunctions, "proxy_log", uint64(LevelInfo), m, ml); st != statusOK {
			t.Errorf("proxy_log in phase %d: status %d", p, st)
		}
	}
	h.phase = phaseCallback
}

// A module importing a function the host lacks is refused, as Envoy does.
func TestMissingImportRefusesModule(t *testing.T) {
	mod := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
		0x02, 0x12, 0x01, 0x03, 'e', 'n', 'v', 0x0a, 'p', 'r', 'o', 'x', 'y', '_', 'n', 'o', 'p', 'e', 0x00, 0x00}
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	if _, err := e.Compile(ctx, mod); err == nil || !strings.Contains(err.Error(), "env.proxy_nope") {
		t.Fatalf("compile: %v, want a refusal naming env.proxy_nope", err)
	}
}

func TestHeaderMapWireRoundTrip(t *testing.T) {
	h := headerMap{{"a", "1"}, {"", ""}, {"b", "x\x00y"}}
	b := make([]byte, h.size())
	h.encode(b)
	got, ok := decodeHeaderMap(b)
	if !ok || !slices.Equal(got, h) {
		t.Fatalf("round trip: %q %v", got, ok)
	}
	if _, ok := decodeHeaderMap(b[:len(b)-1]); ok {
		t.Fatal("truncated map decoded")
	}
}

// Keys are read as views into guest memory for lookups; the lines the host
// keeps must own their bytes, or the guest could rewrite a stored header
// name after the call (nothing may point into the other side's memory).
func TestStoredHeaderNamesDoNotAliasGuestMemory(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	h.s.resp.set(responseInline, [][2]string{{":status", "200"}})
	k, kl := h.str(0, "x-added")
	v, vl := h.str(20, "one")
	h.call(envFunctions, "proxy_add_header_map_value", mapResponseHeaders, k, kl, v, vl)
	r, rl := h.str(40, "x-replaced")
	h.call(envFunctions, "proxy_replace_header_map_value", mapResponseHeaders, r, rl, v, vl)
	h.str(0, "x-XXXXX")
	h.str(20, "two")
	h.str(40, "x-YYYYYYYY")
	want := [][2]string{{":status", "200"}, {"x-added", "one"}, {"x-replaced", "one"}}
	if !slices.Equal(h.s.resp, want) {
		t.Errorf("after the guest rewrote its buffers: %q, want %q", h.s.resp, want)
	}
}

// Statuses of the header map calls when a map is not there, as Envoy gives
// them: an unknown map type is BAD_ARGUMENT (proxy-wasm-cpp-host src/exports.cc,
// type > WasmHeaderMapType::MAX); a known map that is not available now (the
// trailers, or any map outside a stream) is BAD_ARGUMENT for get value, add,
// replace, remove and size, and an empty OK for get pairs (envoy
// source/extensions/common/wasm/context.cc Context::getMap/getConstMap and
// the *HeaderMap* methods); a missing key is NOT_FOUND.
func TestHeaderMapStatusesLikeEnvoy(t *testing.T) {
	h := newHostcallVM(t, ProfileEnvoy133)
	k, kl := h.str(0, "x-missing")
	v, vl := h.str(20, "v")
	out1, out2 := uint64(h.scratch+100), uint64(h.scratch+104)
	h.mem.WriteUint32Le(h.scratch+100, 0xAAAA)
	h.mem.WriteUint32Le(h.scratch+104, 0xBBBB)
	const requestTrailers, unknown = 1, 9
	cases := []struct {
		name string
		fn   string
		args []uint64
		want uint64
	}{
		{"get value, missing key", "proxy_get_header_map_value", []uint64{mapRequestHeaders, k, kl, out1, out2}, statusNotFound},
		{"get value, unavailable map", "proxy_get_header_map_value", []uint64{requestTrailers, k, kl, out1, out2}, statusBadArgument},
		{"get value, unknown map", "proxy_get_header_map_value", []uint64{unknown, k, kl, out1, out2}, statusBadArgument},
		{"add, unavailable map", "proxy_add_header_map_value", []uint64{requestTrailers, k, kl, v, vl}, statusBadArgument},
		{"replace, unavailable map", "proxy_replace_header_map_value", []uint64{requestTrailers, k, kl, v, vl}, statusBadArgument},
		{"remove, unavailable map", "proxy_remove_header_map_value", []uint64{requestTrailers, k, kl}, statusBadArgument},
		{"remove, missing key", "proxy_remove_header_map_value", []uint64{mapRequestHeaders, k, kl}, statusOK},
		{"size, unavailable map", "proxy_get_header_map_size", []uint64{requestTrailers, out1}, statusBadArgument},
		{"pairs, unknown map", "proxy_get_header_map_pairs", []uint64{unknown, out1, out2}, statusBadArgument},
		{"pairs, unavailable map", "proxy_get_header_map_pairs", []uint64{requestTrailers, out1, out2}, statusOK},
	}
	for _, c := range cases {
		if st := h.call(envFunctions, c.fn, c.args...); st != c.want {
			t.Errorf("%s: status %d, want %d", c.name, st, c.want)
		}
	}
	if p, _ := h.mem.ReadUint32Le(h.scratch + 100); p != 0 {
		t.Errorf("pairs of an unavailable map: pointer %d, want 0 (empty, no allocation)", p)
	}
}

// A local reply asked for outside a stream does nothing and answers OK
// (envoy source/extensions/common/wasm/context.cc Context::sendLocalResponse
// acts only with decoder callbacks; proxy-wasm-cpp-host src/exports.cc
// send_local_response returns Ok).
func TestLocalReplyOutsideAStream(t *testing.T) {
	h := newHostcallVM(t, ProfileCurrent)
	h.setCurrent(h.root, nil)
	if st := h.call(envFunctions, "proxy_send_local_response", 403, 0, 0, 0, 0, 0, 0, 0xFFFFFFFF); st != statusOK {
		t.Errorf("status %d, want OK", st)
	}
	if _, ok := h.s.Local(); ok {
		t.Error("a stream got the reply")
	}
}
