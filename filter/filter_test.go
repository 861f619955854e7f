package filter_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/filter"
	"github.com/cors-wasm/cors-wasm/internal/abi"
	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// start runs the plugin under the SDK's host emulator with config.
func start(t *testing.T, config string) (proxytest.HostEmulator, types.OnPluginStartStatus) {
	t.Helper()
	opt := proxytest.NewEmulatorOption().
		WithVMContext(filter.NewVMContext(abi.NewHost())).
		WithPluginConfiguration([]byte(config))
	host, reset := proxytest.NewHostEmulator(opt)
	t.Cleanup(reset)
	return host, host.StartPlugin()
}

// stream runs one request through both phases and returns what the client sees.
func stream(t *testing.T, host proxytest.HostEmulator, req, upstream [][2]string) (status int, headers [][2]string, upstreamCalled bool) {
	t.Helper()
	id := host.InitializeHttpContext()
	defer host.CompleteHttpContext(id)
	action := host.CallOnRequestHeaders(id, req, false)
	if local := host.GetSentLocalResponse(id); local != nil {
		if action != types.ActionPause {
			t.Errorf("local reply sent but the action is %v, want Pause", action)
		}
		if len(local.Data) != 0 {
			t.Errorf("local reply has a body: %q", local.Data)
		}
		return int(local.StatusCode), local.Headers, false
	}
	if action != types.ActionContinue {
		t.Errorf("no local reply but the action is %v", action)
	}
	host.CallOnResponseHeaders(id, upstream, false)
	return 200, host.GetCurrentResponseHeaders(id), true
}

// The policy engine's request table, through the filter and the emulator.
func TestFilterCases(t *testing.T) {
	for _, c := range policytest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			host, st := start(t, policytest.Configs[c.Config])
			if st != types.OnPluginStartStatusOK {
				t.Fatalf("plugin refused config %s: %q", c.Config, host.GetCriticalLogs())
			}
			status, headers, upstream := stream(t, host, c.RequestHeaders(), c.UpstreamHeaders())
			w := c.Want
			if status != w.Status || upstream != w.Upstream {
				t.Errorf("status %d upstream %v, want %d %v", status, upstream, w.Status, w.Upstream)
			}
			if got := policytest.Normalize(headers); !slices.Equal(got, w.SortedHeaders()) {
				t.Errorf("headers\n got  %q\n want %q", got, w.SortedHeaders())
			}
			hasOrigin := false
			for _, h := range c.RequestHeaders() {
				hasOrigin = hasOrigin || h[0] == "origin"
			}
			wantNoPolicy := uint64(0)
			if w.Policy == "" && hasOrigin {
				wantNoPolicy = 1
			}
			if n, err := host.GetCounterMetric(policy.NoPolicyCounter); err != nil || n != wantNoPolicy {
				t.Errorf("counter %s = %d (%v), want %d", policy.NoPolicyCounter, n, err, wantNoPolicy)
			}
			if w.Policy == "" {
				return
			}
			name := policy.CounterName(w.Policy, w.Counter)
			if n, err := host.GetCounterMetric(name); err != nil || n != 1 {
				t.Errorf("counter %s = %d (%v), want 1", name, n, err)
			}
		})
	}
}

func TestFilterCountersAndShadow(t *testing.T) {
	host, _ := start(t, policytest.Configs["shadow"])
	req := [][2]string{{":method", "OPTIONS"}, {":authority", "a"}, {":path", "/"}, {"origin", "https://evil.test"}, {"access-control-request-method", "PUT"}}
	for i := 0; i < 3; i++ {
		status, headers, upstream := stream(t, host, req, [][2]string{{"x", "y"}})
		if status != 200 || !upstream || len(headers) != 1 {
			t.Fatalf("shadow mode changed the exchange: %d %v %v", status, upstream, headers)
		}
	}
	for name, want := range map[string]uint64{
		"cors.trial.preflight_rejected.origin": 3,
		"cors.trial.shadow_would_reject":       3,
		"cors.trial.preflight_allowed":         0,
	} {
		if n, err := host.GetCounterMetric(name); err != nil || n != want {
			t.Errorf("%s = %d (%v), want %d", name, n, err, want)
		}
	}
	if logs := host.GetDebugLogs(); len(logs) != 3 || !strings.Contains(logs[0], "would be rejected: origin: origin not allowed") {
		t.Errorf("debug logs %q", logs)
	}
}

// The debug line of a rejection names the refused value, escaped, so a log
// reader knows which origin, method or header to allow (or not).
func TestFilterDebugLogNamesRefusedValue(t *testing.T) {
	host, _ := start(t, policytest.Configs["basic"])
	base := [][2]string{{":method", "OPTIONS"}, {":authority", "a"}, {":path", "/"}}
	for _, c := range []struct {
		name string
		req  [][2]string
		want string
	}{
		{"origin", [][2]string{{"origin", "https://evil.test\n[info] forged"}, {"access-control-request-method", "PUT"}},
			`cors-wasm: policy api: preflight rejected: origin: origin not allowed: "https://evil.test\n[info] forged"`},
		{"method", [][2]string{{"origin", policytest.App}, {"access-control-request-method", "PATCH"}},
			`cors-wasm: policy api: preflight rejected: method: requested method not allowed: "PATCH"`},
		{"header", [][2]string{{"origin", policytest.App}, {"access-control-request-method", "PUT"}, {"access-control-request-headers", "content-type, X-Evil"}},
			`cors-wasm: policy api: preflight rejected: headers: a requested header is not allowed: "X-Evil"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(host.GetDebugLogs())
			stream(t, host, append(slices.Clone(base), c.req...), nil)
			logs := host.GetDebugLogs()
			if len(logs) != before+1 || logs[before] != c.want {
				t.Errorf("debug logs %q,\nwant one more: %s", logs[before:], c.want)
			}
		})
	}
}

// Configuration errors refuse the plugin, with one critical line per problem.
func TestFilterRefusesBadConfig(t *testing.T) {
	cases := []struct {
		name, config string
		want         []string
	}{
		{"empty", "", []string{"cors-wasm: configuration refused: (root): empty configuration: set the plugin configuration to a JSON object"}},
		{"syntax", "{", []string{"cors-wasm: configuration refused: (root): "}},
		{"every error", `{"policies":[{"name":"a","allow_origins":["*"],"allow_credentials":true,"max_age":1e9}]}`, []string{
			`cors-wasm: configuration refused: policies[0].allow_origins[0]: "*": cannot allow every origin together with allow_credentials`,
			`cors-wasm: configuration refused: policies[0].max_age: 1000000000: must be between -1`,
		}},
		{"misconfigurations", `{"policies":[{"name":"a","allow_origins":["*","https://*.com"],"allow_credentials":true}]}`, []string{
			`cors-wasm: configuration refused: policies[0].allow_origins[0]: "*": cannot allow every origin together with allow_credentials`,
			`cors-wasm: configuration refused: policies[0].allow_origins[1]: "https://*.com": wildcard over a public suffix`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host, st := start(t, c.config)
			if st != types.OnPluginStartStatusFailed {
				t.Fatalf("plugin started with a bad config")
			}
			logs := host.GetCriticalLogs()
			if len(logs) != len(c.want) {
				t.Fatalf("critical logs %q, want %d lines", logs, len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(logs[i], w) {
					t.Errorf("log %d:\n got  %s\n want %s...", i, logs[i], w)
				}
			}
		})
	}
}

// CVE-2023-35943: another filter removes Origin between the phases. The
// response phase must not crash and must use the latched decision.
func TestFilterOriginRemovedBetweenPhases(t *testing.T) {
	host, _ := start(t, policytest.Configs["basic"])
	id := host.InitializeHttpContext()
	host.CallOnRequestHeaders(id, [][2]string{{":method", "GET"}, {":authority", "a"}, {":path", "/"}, {"origin", policytest.App}}, false)
	if err := proxywasm.RemoveHttpRequestHeader("origin"); err != nil {
		t.Fatalf("removing origin: %v", err)
	}
	for _, h := range host.GetCurrentRequestHeaders(id) {
		if h[0] == "origin" {
			t.Fatalf("origin still present")
		}
	}
	host.CallOnResponseHeaders(id, nil, false)
	got := policytest.Normalize(host.GetCurrentResponseHeaders(id))
	want := []string{"access-control-allow-origin: " + policytest.App, "access-control-expose-headers: x-request-id", "vary: origin"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
	host.CompleteHttpContext(id)
}

// 10,000 streams, interleaved, each with its own origin: no header of one
// stream ever shows up in another, and reused stream contexts start clean.
func TestFilterInterleavedStreams(t *testing.T) {
	host, _ := start(t, `{"policies":[{"name":"t","allow_origins":["https://*.tenants.example.com"],"allow_credentials":true}]}`)
	const total, batch = 10000, 100
	for base := 0; base < total; base += batch {
		ids := make([]uint32, batch)
		for i := range ids {
			ids[i] = host.InitializeHttpContext()
			req := [][2]string{{":method", "GET"}, {":authority", "a"}, {":path", "/"}}
			if (base+i)%7 != 0 { // every seventh stream has no Origin
				req = append(req, [2]string{"origin", "https://t" + strconv.Itoa(base+i) + ".tenants.example.com"})
			}
			host.CallOnRequestHeaders(ids[i], req, false)
		}
		for i := batch - 1; i >= 0; i-- { // responses in reverse order
			host.CallOnResponseHeaders(ids[i], nil, false)
			got := policytest.Normalize(host.GetCurrentResponseHeaders(ids[i]))
			want := []string{"vary: origin"}
			if (base+i)%7 != 0 {
				want = []string{"access-control-allow-credentials: true", "access-control-allow-origin: https://t" + strconv.Itoa(base+i) + ".tenants.example.com", "vary: origin"}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("stream %d: got %q want %q", base+i, got, want)
			}
			host.CompleteHttpContext(ids[i])
		}
	}
}

// Gateway API's CORS contract through the filter and the emulator.
func TestFilterGatewayAPIContract(t *testing.T) {
	for _, c := range policytest.GatewayAPICases {
		t.Run(c.Name, func(t *testing.T) {
			host, st := start(t, policytest.GatewayAPIConfig)
			if st != types.OnPluginStartStatusOK {
				t.Fatalf("plugin refused the config: %q", host.GetCriticalLogs())
			}
			status, headers, upstream := stream(t, host, c.Case().RequestHeaders(), c.Case().UpstreamHeaders())
			if upstream != c.Upstream {
				t.Errorf("upstream called %v, want %v", upstream, c.Upstream)
			}
			for _, p := range c.Problems(status, headers) {
				t.Error(p)
			}
		})
	}
}
