package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// request turns a table case into an HTTP/1.1 request to base.
func request(t *testing.T, base string, c *policytest.Case) *http.Request {
	t.Helper()
	var method, authority, path string
	var lines [][2]string
	for _, l := range c.RequestHeaders() {
		switch l[0] {
		case ":method":
			method = l[1]
		case ":authority":
			authority = l[1]
		case ":path":
			path = l[1]
		case ":scheme":
		default:
			lines = append(lines, l)
		}
	}
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatalf("building the request: %v", err)
	}
	req.Host = authority
	for _, l := range lines {
		req.Header[http.CanonicalHeaderKey(l[0])] = append(req.Header[http.CanonicalHeaderKey(l[0])], l[1])
	}
	return req
}

// The policy engine's request table through build/cors.wasm in wasmhost over
// real HTTP: local replies for preflights and rejections (upstream never
// called), CORS headers on actual responses, Vary merged with the
// upstream's, upstream ACAO replaced, shadow mode, counters.
// It runs under each host profile (the current Envoy host and the older one).
func TestPolicyCasesOverHTTP(t *testing.T) {
	for _, profile := range profiles {
		t.Run(profile.String(), func(t *testing.T) { policyCasesOverHTTP(t, profile) })
	}
}

func policyCasesOverHTTP(t *testing.T, profile wasmhost.Profile) {
	proxies := map[string]*proxy{}
	for _, c := range policytest.Cases {
		if proxies[c.Config] == nil {
			proxies[c.Config] = newProxyFor(t, profile, policytest.Configs[c.Config])
		}
	}
	for _, c := range policytest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			p := proxies[c.Config]
			p.up.answer(c.UpstreamHeaders())
			before := p.up.calls.Load()
			counter := ""
			var countBefore int64
			if c.Want.Policy != "" {
				counter = policy.CounterName(c.Want.Policy, c.Want.Counter)
				countBefore, _ = p.pool.Metrics().Get(counter)
			}
			resp, err := http.DefaultClient.Do(request(t, p.URL, &c))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			w := c.Want
			called := p.up.calls.Load() > before
			if resp.StatusCode != w.Status || called != w.Upstream {
				t.Errorf("status %d, upstream called %v; want %d, %v", resp.StatusCode, called, w.Status, w.Upstream)
			}
			var lines [][2]string
			for k, vs := range resp.Header {
				for _, v := range vs {
					lines = append(lines, [2]string{k, v})
				}
			}
			if got := policytest.Normalize(lines); !slices.Equal(got, w.SortedHeaders()) {
				t.Errorf("headers\n got  %q\n want %q", got, w.SortedHeaders())
			}
			if !w.Upstream && resp.ContentLength > 0 {
				t.Errorf("local reply has a body of %d bytes", resp.ContentLength)
			}
			if counter != "" {
				if n, _ := p.pool.Metrics().Get(counter); n != countBefore+1 {
					t.Errorf("counter %s moved by %d, want 1", counter, n-countBefore)
				}
			}
		})
	}
	if t.Failed() {
		return
	}
	// Shadow mode counted what it would have rejected.
	if p := proxies["shadow"]; p != nil {
		var would int64
		for name, v := range p.pool.Metrics().Snapshot() {
			if strings.HasSuffix(name, ".shadow_would_reject") {
				would += v
			}
		}
		if would == 0 {
			t.Error("shadow mode counted no would-be rejection")
		}
	}
}
