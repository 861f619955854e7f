package e2e

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/filter"
	"github.com/cors-wasm/cors-wasm/internal/abi"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// FuzzStreamNativeVsWasm guards the hot path's fast paths (RATIONALE.md, "Steering the hot path by wasm calls, not by time"): random
// header sets (repeated lines, odd case, huge values, missing pseudo-headers,
// upstream CORS and Vary lines) go through build/cors.wasm in wasmhost and
// through the native filter under the SDK's proxytest emulator, and must get
// the same local reply or the same response headers. Names are lowercased
// for the emulator, as Envoy hands them to a plugin.
//
//	go test -run '^$' -fuzz FuzzStreamNativeVsWasm -fuzztime 60s ./e2e
func FuzzStreamNativeVsWasm(f *testing.F) {
	for seed := uint64(0); seed < 300; seed++ {
		f.Add(seed)
	}
	configs := slices.Sorted(func(yield func(string) bool) {
		for name := range policytest.Configs {
			if !yield(name) {
				return
			}
		}
	})
	vms := map[string]*wasmhost.VM{} // one VM per configuration, reused like Envoy's
	f.Fuzz(func(t *testing.T, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		config := configs[rng.IntN(len(configs))]
		vm := vms[config]
		if vm == nil {
			var err error
			vm, err = pluginModule(t).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(policytest.Configs[config])})
			if err != nil {
				t.Fatal(err)
			}
			vms[config] = vm
		}
		req, up := randomRequest(rng), randomUpstream(rng)
		native := nativeStream(t, policytest.Configs[config], req, up)
		wasm := wasmStream(t, vm, req, up)
		if !native.equal(wasm) {
			t.Fatalf("config %s, seed %d\nrequest  %q\nupstream %q\nnative %+v\nwasm   %+v", config, seed, req, up, native, wasm)
		}
	})
}

// outcome is what the client sees of one stream.
type outcome struct {
	local    bool
	status   uint32
	headers  []string // normalize: CORS lines and the merged Vary
	upstream bool
}

func (o outcome) equal(p outcome) bool {
	return o.local == p.local && o.status == p.status && o.upstream == p.upstream && slices.Equal(o.headers, p.headers)
}

// nativeStream runs one stream through the filter under proxytest. The
// emulator is process-global state, so each stream gets a fresh one.
func nativeStream(t *testing.T, config string, req, up [][2]string) outcome {
	opt := proxytest.NewEmulatorOption().WithVMContext(filter.NewVMContext(abi.NewHost())).
		WithPluginConfiguration([]byte(config))
	h, reset := proxytest.NewHostEmulator(opt)
	defer reset()
	if h.StartPlugin() != types.OnPluginStartStatusOK {
		t.Fatalf("native plugin refused %s", config)
	}
	id := h.InitializeHttpContext()
	defer h.CompleteHttpContext(id)
	h.CallOnRequestHeaders(id, req, true)
	if local := h.GetSentLocalResponse(id); local != nil {
		return outcome{local: true, status: local.StatusCode, headers: normalize(local.Headers)}
	}
	h.CallOnResponseHeaders(id, up, false)
	return outcome{status: 200, upstream: true, headers: normalize(h.GetCurrentResponseHeaders(id))}
}

// wasmStream runs one stream through build/cors.wasm in wasmhost.
func wasmStream(t *testing.T, vm *wasmhost.VM, req, up [][2]string) outcome {
	st := vm.NewStream()
	if _, err := st.RequestHeaders(req, true); err != nil {
		t.Fatal(err)
	}
	var o outcome
	if r, ok := st.Local(); ok {
		o = outcome{local: true, status: r.Status, headers: normalize(r.Headers)}
	} else {
		if _, err := st.ResponseHeaders(up, false); err != nil {
			t.Fatal(err)
		}
		o = outcome{status: 200, upstream: true, headers: normalize(st.ResponseHeaderMap())}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return o
}

var (
	diffOrigins = []string{"https://app.example.com", "https://a.b.example.org", "http://localhost:3000",
		"https://pr-12.preview.example.net", "https://evil.test", "null", "https://APP.example.com",
		"https://app.example.com:443", "https://admin-ui.example.com", "https://x.example.com", "http://localhost",
		"https://app.example.com, https://evil.test", "https://app.example.com/", "https://app.example.com,"}
	diffMethods = []string{"GET", "OPTIONS", "PUT", "POST", "PATCH", "DELETE", "get", "CONNECT", "X*", "TRACE"}
	diffACRH    = []string{"content-type", "x-request-id", "Content-Type, X-Request-ID", "authorization", "x-forbidden",
		"cookie", "x-a,x-b", ",,", "x-a;b", "content-type,,x-request-id", "content-type , x-request-id"}
	diffHosts = []string{"api.example.com", "API.example.com:8443", "admin.example.com", "a.example.org", "example.org",
		"[::1]:80"}
	diffPaths = []string{"/", "/v1/items", "/v1", "/api/x?y=1", "/v1/?q", "*"}
)

// Values are never empty and never start or end with whitespace: Envoy's
// codecs strip that before a plugin sees a value, and the two hosts treat such
// values differently (the SDK's emulator trims them and reports an empty value
// as absent; wasmhost hands them over as they are).

// normalize joins repeated lines of a name with ",", as Envoy keeps them
// (the SDK's emulator keeps separate lines), then keeps the CORS lines
// (policytest.Normalize).
func normalize(h [][2]string) []string {
	var joined [][2]string
	at := map[string]int{}
	for _, l := range h {
		name := strings.ToLower(l[0])
		if i, ok := at[name]; ok {
			joined[i][1] += "," + l[1]
			continue
		}
		at[name] = len(joined)
		joined = append(joined, [2]string{name, l[1]})
	}
	return policytest.Normalize(joined)
}

// randomRequest makes request header lines: pseudo-headers sometimes missing,
// CORS lines sometimes repeated, names in odd case (lowercased, as Envoy
// passes them), values sometimes huge.
func randomRequest(rng *rand.Rand) [][2]string {
	var lines [][2]string
	add := func(name, value string) {
		if rng.IntN(8) == 0 {
			name = strings.ToUpper(name[:1]) + name[1:] // odd case on the wire
		}
		lines = append(lines, [2]string{strings.ToLower(name), value})
	}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	huge := func(v string) string {
		if rng.IntN(12) == 0 {
			return strings.Repeat(v+",", 600+rng.IntN(2000))
		}
		return v
	}
	if rng.IntN(10) != 0 {
		add(":method", pick(diffMethods))
	}
	if rng.IntN(10) != 0 {
		add(":authority", pick(diffHosts))
	}
	if rng.IntN(10) != 0 {
		add(":path", pick(diffPaths))
	}
	for n := rng.IntN(3); n > 0 || rng.IntN(3) == 0; n-- {
		add("origin", huge(pick(diffOrigins)))
		if rng.IntN(3) != 0 {
			break
		}
	}
	for rng.IntN(2) == 0 {
		add("access-control-request-method", pick(diffMethods))
	}
	for rng.IntN(2) == 0 {
		add("access-control-request-headers", huge(pick(diffACRH)))
	}
	if rng.IntN(4) == 0 {
		add("access-control-request-private-network", []string{"true", "false", "TRUE"}[rng.IntN(3)])
	}
	for n := rng.IntN(4); n > 0; n-- {
		add("x-filler", huge("v"))
	}
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return lines
}

// randomUpstream makes upstream response lines, with CORS and Vary lines of
// its own at times.
func randomUpstream(rng *rand.Rand) [][2]string {
	lines := [][2]string{{":status", "200"}, {"content-type", "text/plain"}}
	opts := [][2]string{{"vary", "accept-encoding"}, {"vary", "Origin"}, {"vary", "*"}, {"vary", "accept, origin"},
		{"access-control-allow-origin", "*"}, {"access-control-allow-credentials", "true"},
		{"access-control-expose-headers", "x-up"}, {"access-control-max-age", "5"}}
	for n := rng.IntN(4); n > 0; n-- {
		lines = append(lines, opts[rng.IntN(len(opts))])
	}
	return lines
}
