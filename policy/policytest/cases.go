package policytest

import (
	"sort"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Case is one request against one named configuration and what must come of it.
type Case struct {
	Name   string
	Config string // key of Configs
	// Request line and header lines as a proxy passes them (names lowercase).
	Method, Authority, Path string
	Headers                 [][2]string
	// Upstream is the upstream's response header lines (status 200).
	Upstream [][2]string
	Want     Want
}

// Want is the observable outcome.
type Want struct {
	Kind    policy.Kind
	Allowed bool
	Reason  policy.Reason
	Counter policy.Counter
	Policy  string // "" when no policy applies
	// Upstream: the request reaches the upstream (false: answered locally).
	Upstream bool
	Status   int
	// Headers are the final response's CORS-relevant lines (access-control-*,
	// vary, x-cors-reason) in Normalize form.
	Headers []string
}

// SortedHeaders is Headers in the sorted order Normalize produces.
func (w *Want) SortedHeaders() []string {
	out := append([]string(nil), w.Headers...)
	sort.Strings(out)
	return out
}

// Defaults of a Case.
const (
	DefaultAuthority = "api.example.com"
	DefaultPath      = "/v1/items?page=2"
	App              = "https://app.example.com"
)

// RequestHeaders are the case's full request header lines, pseudo-headers first.
func (c *Case) RequestHeaders() [][2]string {
	method, authority, path := c.Method, c.Authority, c.Path
	if method == "" {
		method = "GET"
	}
	if authority == "" {
		authority = DefaultAuthority
	}
	if path == "" {
		path = DefaultPath
	}
	h := [][2]string{{":method", method}, {":authority", authority}, {":path", path}, {":scheme", "http"}, {"user-agent", "policytest"}}
	return append(h, c.Headers...)
}

// UpstreamHeaders are the upstream's response lines, with a default body type.
func (c *Case) UpstreamHeaders() [][2]string {
	return append([][2]string{{"content-type", "application/json"}}, c.Upstream...)
}

// Request builds the policy.Request a filter would build from the header lines.
func (c *Case) Request() *policy.Request {
	r := &policy.Request{}
	for _, h := range c.RequestHeaders() {
		r.AddHeader(h[0], h[1])
	}
	return r
}

func origin(o string) [2]string { return [2]string{"origin", o} }
func acrm(m string) [2]string   { return [2]string{"access-control-request-method", m} }
func acrh(h string) [2]string   { return [2]string{"access-control-request-headers", h} }

const (
	varyOrigin    = "vary: origin"
	varyPreflight = "vary: access-control-request-headers, access-control-request-method, origin"
	varyPNA       = "vary: access-control-request-headers, access-control-request-method, access-control-request-private-network, origin"
)

func actualOK(policyName, acao string, more ...string) Want {
	return Want{Kind: policy.KindActual, Allowed: true, Counter: policy.CounterActualAllowed, Policy: policyName,
		Upstream: true, Status: 200, Headers: append([]string{"access-control-allow-origin: " + acao}, more...)}
}

func actualDisallowed(policyName string, reason policy.Reason, more ...string) Want {
	return Want{Kind: policy.KindActual, Reason: reason, Counter: policy.CounterActualDisallowed, Policy: policyName,
		Upstream: true, Status: 200, Headers: append([]string{varyOrigin}, more...)}
}

func preflightOK(policyName string, status int, headers ...string) Want {
	return Want{Kind: policy.KindPreflight, Allowed: true, Counter: policy.CounterPreflightAllowed, Policy: policyName,
		Status: status, Headers: headers}
}

func preflightRejected(policyName string, reason policy.Reason, headers ...string) Want {
	return Want{Kind: policy.KindPreflight, Reason: reason, Policy: policyName,
		Counter: policy.CounterPreflightRejectedOrigin + policy.Counter(reason-policy.ReasonOrigin),
		Status:  403, Headers: headers}
}

var basicPreflightOK = []string{
	"access-control-allow-headers: content-type, x-request-id",
	"access-control-allow-methods: PUT, DELETE",
	"access-control-allow-origin: " + App,
	"access-control-expose-headers: x-request-id",
	"access-control-max-age: 600",
	varyPreflight,
}

// Cases is the request table. Names cite the rule they check.
var Cases = []Case{
	// No Origin: not a CORS request, but caches must key on Origin.
	{Name: "no origin gets Vary Origin", Config: "basic",
		Want: Want{Kind: policy.KindNoOrigin, Allowed: true, Counter: policy.CounterNoOrigin, Policy: "api", Upstream: true, Status: 200, Headers: []string{varyOrigin}}},
	{Name: "no origin with allow-all needs no Vary", Config: "any",
		Want: Want{Kind: policy.KindNoOrigin, Allowed: true, Counter: policy.CounterNoOrigin, Policy: "public", Upstream: true, Status: 200}},
	{Name: "no origin keeps upstream Vary and adds Origin", Config: "basic", Upstream: [][2]string{{"vary", "Accept-Encoding"}},
		Want: Want{Kind: policy.KindNoOrigin, Allowed: true, Counter: policy.CounterNoOrigin, Policy: "api", Upstream: true, Status: 200, Headers: []string{"vary: accept-encoding, origin"}}},
	{Name: "OPTIONS without ACRM and without Origin is ordinary", Config: "basic", Method: "OPTIONS",
		Want: Want{Kind: policy.KindNoOrigin, Allowed: true, Counter: policy.CounterNoOrigin, Policy: "api", Upstream: true, Status: 200, Headers: []string{varyOrigin}}},

	// Actual requests with an allowed origin.
	{Name: "actual exact origin", Config: "basic", Headers: [][2]string{origin(App)},
		Want: actualOK("api", App, "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "actual subdomain pattern one label", Config: "basic", Headers: [][2]string{origin("https://a.example.org")},
		Want: actualOK("api", "https://a.example.org", "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "actual subdomain pattern several labels", Config: "basic", Headers: [][2]string{origin("https://a.b.example.org")},
		Want: actualOK("api", "https://a.b.example.org", "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "actual any-port pattern", Config: "basic", Method: "POST", Headers: [][2]string{origin("http://localhost:5173")},
		Want: actualOK("api", "http://localhost:5173", "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "actual anchored regex", Config: "basic", Headers: [][2]string{origin("https://pr-42.preview.example.net")},
		Want: actualOK("api", "https://pr-42.preview.example.net", "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "OPTIONS with Origin but no ACRM is an actual request", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App)},
		Want: actualOK("api", App, "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "upstream ACAO is replaced not duplicated", Config: "basic", Headers: [][2]string{origin(App)},
		Upstream: [][2]string{{"access-control-allow-origin", "*"}, {"access-control-allow-credentials", "true"}, {"vary", "Accept-Encoding"}},
		Want:     actualOK("api", App, "access-control-expose-headers: x-request-id", "vary: accept-encoding, origin")},
	{Name: "upstream Vary Origin is not duplicated", Config: "basic", Headers: [][2]string{origin(App)}, Upstream: [][2]string{{"vary", "Origin"}},
		Want: actualOK("api", App, "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "upstream Vary star is kept as is", Config: "basic", Headers: [][2]string{origin(App)}, Upstream: [][2]string{{"vary", "*"}},
		Want: actualOK("api", App, "access-control-expose-headers: x-request-id", "vary: *")},
	{Name: "credentials: exact origin and ACAC true", Config: "creds", Headers: [][2]string{origin(App), {"cookie", "a=b"}},
		Want: actualOK("creds", App, "access-control-allow-credentials: true", "access-control-expose-headers: x-total", varyOrigin)},
	{Name: "allow-all answers star without Vary", Config: "any", Headers: [][2]string{origin("https://anyone.test")},
		Want: actualOK("public", "*")},

	// Actual requests with a disallowed origin (classic bypasses).
	{Name: "prefix attack app.example.com.evil.net", Config: "basic", Headers: [][2]string{origin("https://app.example.com.evil.net")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "suffix attack evilexample.org", Config: "basic", Headers: [][2]string{origin("https://evilexample.org")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "bare suffix example.org is not a subdomain", Config: "basic", Headers: [][2]string{origin("https://example.org")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "unescaped-dot attack on regex", Config: "basic", Headers: [][2]string{origin("https://pr-42xpreview.example.net")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "byte-exact: uppercase origin", Config: "basic", Headers: [][2]string{origin("https://APP.example.com")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "byte-exact: trailing slash", Config: "basic", Headers: [][2]string{origin("https://app.example.com/")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "scheme matters", Config: "basic", Headers: [][2]string{origin("http://app.example.com")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "port matters", Config: "basic", Headers: [][2]string{origin("https://app.example.com:8443")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "comma-joined origins are never reflected", Config: "basic", Headers: [][2]string{origin("https://evil.test, https://pr-1.preview.example.net")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "two Origin lines are never reflected", Config: "basic", Headers: [][2]string{origin(App), origin(App)},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "allow-all refuses two Origin lines too", Config: "any", Headers: [][2]string{origin("https://a.test"), origin("https://b.test")},
		Want: Want{Kind: policy.KindActual, Reason: policy.ReasonOrigin, Counter: policy.CounterActualDisallowed, Policy: "public", Upstream: true, Status: 200}},
	{Name: "allow-all refuses a comma-joined Origin (two lines as Envoy joins them)", Config: "any", Headers: [][2]string{origin("https://a.test,https://b.test")},
		Want: Want{Kind: policy.KindActual, Reason: policy.ReasonOrigin, Counter: policy.CounterActualDisallowed, Policy: "public", Upstream: true, Status: 200}},
	{Name: "null origin not allowed by default", Config: "basic", Headers: [][2]string{origin("null")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "disallowed origin: upstream grant removed", Config: "basic", Headers: [][2]string{origin("https://evil.test")},
		Upstream: [][2]string{{"access-control-allow-origin", "https://evil.test"}, {"access-control-allow-credentials", "true"}},
		Want:     actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "origin over the length limit", Config: "basic", Headers: [][2]string{origin("https://" + strings.Repeat("a", 2000) + ".example.org")},
		Want: actualDisallowed("api", policy.ReasonLimits)},
	{Name: "on_disallowed_origin reject answers 403 locally", Config: "strict", Method: "POST", Headers: [][2]string{origin("https://evil.test")},
		Want: Want{Kind: policy.KindActual, Reason: policy.ReasonOrigin, Counter: policy.CounterActualDisallowed, Policy: "strict", Status: 403,
			Headers: []string{varyOrigin, `x-cors-reason: origin: origin not allowed: "https://evil.test"`}}},
	{Name: "upstream_cors_headers keep leaves headers the filter does not write", Config: "strict", Headers: [][2]string{origin(App)},
		Upstream: [][2]string{{"access-control-allow-origin", "*"}, {"access-control-expose-headers", "x-upstream"}},
		Want:     actualOK("strict", App, "access-control-expose-headers: x-upstream", varyOrigin)},
	{Name: "upstream_cors_headers keep: a refused origin never gets the upstream's grant", Config: "keeppass", Headers: [][2]string{origin("https://evil.net")},
		Upstream: [][2]string{{"access-control-allow-origin", "https://evil.net"}, {"access-control-allow-credentials", "true"}, {"access-control-expose-headers", "x-secret"}},
		Want:     actualDisallowed("keep", policy.ReasonOrigin, `x-cors-reason: origin: origin not allowed: "https://evil.net"`)},
	{Name: "upstream_cors_headers keep: the upstream's other lines stay for an allowed origin", Config: "keeppass", Headers: [][2]string{origin(App)},
		Upstream: [][2]string{{"access-control-expose-headers", "x-upstream"}},
		Want:     actualOK("keep", App, "access-control-allow-credentials: true", "access-control-expose-headers: x-upstream", varyOrigin)},
	{Name: "forwarded preflight from a refused origin loses the upstream's grant", Config: "keeppass", Method: "OPTIONS",
		Headers:  [][2]string{origin("https://evil.net"), acrm("PUT")},
		Upstream: [][2]string{{"access-control-allow-origin", "https://evil.net"}, {"access-control-allow-credentials", "true"}, {"access-control-allow-methods", "PUT"}},
		Want: Want{Kind: policy.KindPreflight, Reason: policy.ReasonOrigin, Counter: policy.CounterPreflightRejectedOrigin, Policy: "keep", Upstream: true, Status: 200,
			Headers: []string{varyOrigin}}},
	{Name: "forwarded preflight refused for its method keeps the upstream's answer", Config: "keeppass", Method: "OPTIONS",
		Headers:  [][2]string{origin(App), acrm("PUT")},
		Upstream: [][2]string{{"access-control-allow-origin", App}, {"access-control-allow-methods", "PUT"}},
		Want: Want{Kind: policy.KindPreflight, Reason: policy.ReasonMethod, Counter: policy.CounterPreflightRejectedMethod, Policy: "keep", Upstream: true, Status: 200,
			Headers: []string{"access-control-allow-methods: PUT", "access-control-allow-origin: " + App}}},

	// Ports: a browser sends 1-65535 without leading zeros; nothing else
	// matches a ":*" pattern or is echoed.
	{Name: "any-port pattern: highest port", Config: "basic", Headers: [][2]string{origin("http://localhost:65535")},
		Want: actualOK("api", "http://localhost:65535", "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "any-port pattern: port past 65535", Config: "basic", Headers: [][2]string{origin("http://localhost:65536")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "any-port pattern: twenty-digit port", Config: "basic", Headers: [][2]string{origin("http://localhost:99999999999999999999")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "any-port pattern: port 0", Config: "basic", Headers: [][2]string{origin("http://localhost:0")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "any-port pattern: leading zero", Config: "basic", Headers: [][2]string{origin("http://localhost:05173")},
		Want: actualDisallowed("api", policy.ReasonOrigin)},
	{Name: "regex: port past 65535", Config: "regexes", Headers: [][2]string{origin("http://localhost:99999")},
		Want: actualDisallowed("rx", policy.ReasonOrigin)},

	// Origin regexes: what the checker accepts allows only what its author wrote.
	{Name: "regex: subdomains with credentials", Config: "regexes", Headers: [][2]string{origin("https://a.b.example.com")},
		Want: actualOK("rx", "https://a.b.example.com", "access-control-allow-credentials: true", varyOrigin)},
	{Name: "regex: loopback http on any port with credentials", Config: "regexes", Headers: [][2]string{origin("http://localhost:5173")},
		Want: actualOK("rx", "http://localhost:5173", "access-control-allow-credentials: true", varyOrigin)},
	{Name: "regex: suffix attack evilexample.com", Config: "regexes", Headers: [][2]string{origin("https://evilexample.com")},
		Want: actualDisallowed("rx", policy.ReasonOrigin)},
	{Name: "regex: prefix attack example.com.evil.test", Config: "regexes", Headers: [][2]string{origin("https://a.example.com.evil.test")},
		Want: actualDisallowed("rx", policy.ReasonOrigin)},
	{Name: "regex: plain http is not https", Config: "regexes", Headers: [][2]string{origin("http://a.example.com")},
		Want: actualDisallowed("rx", policy.ReasonOrigin)},
	{Name: "regex: comma-joined value never reaches a regex", Config: "regexes", Headers: [][2]string{origin("https://evil.test, https://a.example.com")},
		Want: actualDisallowed("rx", policy.ReasonOrigin)},

	// Preflights.
	{Name: "preflight allowed", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PUT"), acrh("content-type,x-request-id")},
		Want: preflightOK("api", 200, basicPreflightOK...)},
	{Name: "preflight safelisted method without ACRH", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("GET")},
		Want: preflightOK("api", 200, basicPreflightOK...)},
	{Name: "preflight ACRH with spaces, empty elements, case and two lines", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("DELETE"), acrh(" Content-Type ,, "), acrh("\tX-Request-ID,")},
		Want:    preflightOK("api", 200, basicPreflightOK...)},
	{Name: "preflight never reaches the upstream even if it sets CORS", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin("https://x.example.org"), acrm("PUT")}, Upstream: [][2]string{{"access-control-allow-origin", "*"}},
		Want: preflightOK("api", 200, "access-control-allow-headers: content-type, x-request-id", "access-control-allow-methods: PUT, DELETE",
			"access-control-allow-origin: https://x.example.org", "access-control-expose-headers: x-request-id", "access-control-max-age: 600", varyPreflight)},
	{Name: "preflight disallowed origin", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin("https://evil.test"), acrm("PUT")},
		Want: preflightRejected("api", policy.ReasonOrigin, varyPreflight)},
	{Name: "preflight method is byte-exact", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("put")},
		Want: preflightRejected("api", policy.ReasonMethod, varyPreflight)},
	{Name: "preflight method not allowed", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PATCH")},
		Want: preflightRejected("api", policy.ReasonMethod, varyPreflight)},
	{Name: "preflight forbidden method even with star", Config: "any", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("CONNECT")},
		Want: preflightRejected("public", policy.ReasonMethod, varyPreflight)},
	{Name: "preflight empty ACRM is not a method", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("")},
		Want: preflightRejected("api", policy.ReasonMethod, varyPreflight)},
	{Name: "preflight header not allowed", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PUT"), acrh("content-type,x-evil")},
		Want: preflightRejected("api", policy.ReasonHeaders, varyPreflight)},
	{Name: "preflight malformed header name", Config: "basic", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PUT"), acrh("content-type,x evil")},
		Want: preflightRejected("api", policy.ReasonHeaders, varyPreflight)},
	{Name: "preflight private network not enabled", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), {"access-control-request-private-network", "true"}},
		Want:    preflightRejected("api", policy.ReasonPrivateNetwork, varyPreflight)},
	{Name: "preflight adversarial ACRH 1 MiB of commas", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Repeat(",", 1<<20))},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "preflight 65 requested headers", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Repeat("content-type,", 65))},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	// Every request limit at the limit and one past it (docs/rules.md R21): raising or
	// lowering a limit by one fails one of these.
	{Name: "limit: origin of exactly 1024 bytes", Config: "basic", Headers: [][2]string{origin(originAtLimit)},
		Want: actualOK("api", originAtLimit, "access-control-expose-headers: x-request-id", varyOrigin)},
	{Name: "limit: origin of 1025 bytes", Config: "basic", Headers: [][2]string{origin(originPastLimit)},
		Want: actualDisallowed("api", policy.ReasonLimits)},
	{Name: "limit: ACRM of exactly 64 bytes", Config: "any", Method: "OPTIONS", Headers: [][2]string{origin("https://x.test"), acrm(methodAtLimit)},
		Want: preflightOK("public", 200, "access-control-allow-methods: "+methodAtLimit, "access-control-allow-origin: *", varyPreflight)},
	{Name: "limit: ACRM of 65 bytes", Config: "any", Method: "OPTIONS", Headers: [][2]string{origin("https://x.test"), acrm(methodAtLimit + "X")},
		Want: preflightRejected("public", policy.ReasonLimits, varyPreflight)},
	{Name: "limit: ACRH of exactly 4096 bytes", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(acrhAtLimit)},
		Want:    preflightOK("api", 200, basicPreflightOK...)},
	{Name: "limit: ACRH of 4097 bytes", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Replace(acrhAtLimit, " ", "  ", 1))},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "limit: exactly 64 requested headers", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Repeat("content-type,", DocMaxACRHNames-1) + "x-request-id")},
		Want:    preflightOK("api", 200, basicPreflightOK...)},
	{Name: "limit: 65 requested headers", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Repeat("content-type,", DocMaxACRHNames) + "x-request-id")},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "limit: exactly 128 commas", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(commasAtLimit)},
		Want:    preflightOK("api", 200, basicPreflightOK...)},
	{Name: "limit: 129 commas", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(commasAtLimit + ",")},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "limit: commas at the limit counting one per extra line", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(commasAtLimit[:len(commasAtLimit)-1]), acrh("x-request-id")},
		Want:    preflightOK("api", 200, basicPreflightOK...)},
	{Name: "limit: commas one over the limit counting one per extra line", Config: "basic", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(commasAtLimit), acrh("x-request-id")},
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "preflight 1024 ACRH lines", Config: "basic", Method: "OPTIONS",
		Headers: append([][2]string{origin(App), acrm("PUT")}, repeatLine(acrh(","), 1024)...),
		Want:    preflightRejected("api", policy.ReasonLimits, varyPreflight)},
	{Name: "credentials echo requested method and headers instead of star", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PATCH"), acrh("x-b,X-A")},
		Want: preflightOK("creds", 200, "access-control-allow-credentials: true", "access-control-allow-headers: x-b,x-a",
			"access-control-allow-methods: PATCH", "access-control-allow-origin: "+App, "access-control-expose-headers: x-total", "access-control-max-age: 7200", varyPNA)},
	{Name: "credentials echo a safelisted requested method too", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("POST")},
		Want: preflightOK("creds", 200, "access-control-allow-credentials: true", "access-control-allow-methods: POST",
			"access-control-allow-origin: "+App, "access-control-expose-headers: x-total", "access-control-max-age: 7200", varyPNA)},
	{Name: "any method: a lowercase forbidden method is still forbidden", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("connect")},
		Want:    preflightRejected("creds", policy.ReasonMethod, varyPNA)},
	{Name: "any method: mixed-case trace is still forbidden", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("Trace")},
		Want:    preflightRejected("creds", policy.ReasonMethod, varyPNA)},
	{Name: "credentials: authorization must be named", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("GET"), acrh("authorization")},
		Want:    preflightRejected("creds", policy.ReasonHeaders, varyPNA)},
	{Name: "private network access granted when enabled", Config: "creds", Method: "OPTIONS",
		Headers: [][2]string{origin("http://localhost:3000"), acrm("GET"), {"access-control-request-private-network", "true"}},
		Want: preflightOK("creds", 200, "access-control-allow-credentials: true", "access-control-allow-methods: GET", "access-control-allow-origin: http://localhost:3000",
			"access-control-allow-private-network: true", "access-control-expose-headers: x-total", "access-control-max-age: 7200", varyPNA)},
	{Name: "allow-all preflight echoes method and headers, never a literal star", Config: "any", Method: "OPTIONS",
		Headers: [][2]string{origin("https://x.test"), acrm("PURGE"), acrh("X-Anything, x-other")},
		Want:    preflightOK("public", 200, "access-control-allow-headers: x-anything,x-other", "access-control-allow-methods: PURGE", "access-control-allow-origin: *", varyPreflight)},
	{Name: "allow-all preflight without ACRH sends no allow-headers", Config: "any", Method: "OPTIONS",
		Headers: [][2]string{origin("https://x.test"), acrm("DELETE")},
		Want:    preflightOK("public", 200, "access-control-allow-methods: DELETE", "access-control-allow-origin: *", varyPreflight)},
	{Name: "star methods: a requested method with a star is never echoed", Config: "any", Method: "OPTIONS",
		Headers: [][2]string{origin("https://x.test"), acrm("*")},
		Want:    preflightRejected("public", policy.ReasonMethod, varyPreflight)},
	{Name: "star headers: a requested header named star is never echoed", Config: "any", Method: "OPTIONS",
		Headers: [][2]string{origin("https://x.test"), acrm("PUT"), acrh("x-a,*")},
		Want:    preflightRejected("public", policy.ReasonHeaders, varyPreflight)},
	{Name: "star headers with authorization named: echoed, authorization included", Config: "authstar", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh("authorization,x-trace")},
		Want: preflightOK("authstar", 200, "access-control-allow-headers: authorization,x-trace", "access-control-allow-methods: PUT",
			"access-control-allow-origin: "+App, "access-control-expose-headers: x-a, x-b", varyPreflight)},
	{Name: "allow-all: star does not cover authorization", Config: "any", Method: "OPTIONS", Headers: [][2]string{origin("https://x.test"), acrm("GET"), acrh("authorization")},
		Want: preflightRejected("public", policy.ReasonHeaders, varyPreflight)},
	{Name: "preflight status 204 when chosen, and max-age -1", Config: "strict", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PATCH")},
		Want: preflightOK("strict", 204, "access-control-allow-methods: PATCH", "access-control-allow-origin: "+App, "access-control-max-age: 0", varyPreflight)},
	{Name: "on_rejected_preflight forward passes it untouched", Config: "strict", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("DELETE")}, Upstream: [][2]string{{"allow", "GET"}},
		Want: Want{Kind: policy.KindPreflight, Reason: policy.ReasonMethod, Counter: policy.CounterPreflightRejectedMethod, Policy: "strict", Upstream: true, Status: 200}},

	// Shadow mode: decide and count, change nothing.
	{Name: "shadow: rejected preflight reaches upstream untouched", Config: "shadow", Method: "OPTIONS",
		Headers: [][2]string{origin("https://evil.test"), acrm("PUT")},
		Want:    Want{Kind: policy.KindPreflight, Reason: policy.ReasonOrigin, Counter: policy.CounterPreflightRejectedOrigin, Policy: "trial", Upstream: true, Status: 200}},
	{Name: "shadow: allowed actual changes nothing", Config: "shadow", Headers: [][2]string{origin(App)}, Upstream: [][2]string{{"access-control-allow-origin", "*"}},
		Want: Want{Kind: policy.KindActual, Allowed: true, Counter: policy.CounterActualAllowed, Policy: "trial", Upstream: true, Status: 200,
			Headers: []string{"access-control-allow-origin: *"}}},

	// Routes.
	{Name: "route by host and path prefix", Config: "routes", Headers: [][2]string{origin(App)},
		Want: actualOK("v1", App, varyOrigin)},
	{Name: "route by wildcard host with port", Config: "routes", Authority: "eu.example.org:8443", Headers: [][2]string{origin(App)},
		Want: actualOK("v1", App, varyOrigin)},
	{Name: "route: host matches case-insensitively", Config: "routes", Authority: "API.Example.COM", Headers: [][2]string{origin(App)},
		Want: actualOK("v1", App, varyOrigin)},
	{Name: "route: path outside prefix falls to next policy or none", Config: "routes", Path: "/v2/items", Headers: [][2]string{origin(App)},
		Upstream: [][2]string{{"access-control-allow-origin", "*"}},
		Want:     Want{Kind: policy.KindNone, Allowed: true, Upstream: true, Status: 200, Headers: []string{"access-control-allow-origin: *"}}},
	{Name: "route: prefix is matched before the query", Config: "routes", Path: "/v2?x=/v1/", Headers: [][2]string{origin(App)},
		Want: Want{Kind: policy.KindNone, Allowed: true, Upstream: true, Status: 200}},
	{Name: "route: a trailing dot names the same host", Config: "routes", Authority: "admin.example.com.", Path: "/", Headers: [][2]string{origin("https://admin-ui.example.com")},
		Want: actualOK("admin", "https://admin-ui.example.com", "access-control-allow-credentials: true", varyOrigin)},
	{Name: "route: a trailing dot and a port", Config: "routes", Authority: "eu.example.org.:8443", Headers: [][2]string{origin(App)},
		Want: actualOK("v1", App, varyOrigin)},
	{Name: "route: a lone dot is no host", Config: "routes", Authority: ".", Path: "/v1/x", Headers: [][2]string{origin(App)},
		Want: Want{Kind: policy.KindNone, Allowed: true, Upstream: true, Status: 200}},
	{Name: "route: second policy by host", Config: "routes", Authority: "admin.example.com", Path: "/", Headers: [][2]string{origin("https://admin-ui.example.com")},
		Want: actualOK("admin", "https://admin-ui.example.com", "access-control-allow-credentials: true", varyOrigin)},

	// x-cors-reason names the refused value, escaped to printable ASCII and
	// cut at policy.MaxRefusedBytes.
	{Name: "debug: refused origin named", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin("https://evil.test"), acrm("PUT")},
		Want: preflightRejected("dbg", policy.ReasonOrigin, varyPreflight, `x-cors-reason: origin: origin not allowed: "https://evil.test"`)},
	{Name: "debug: refused method named", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("PATCH")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: requested method not allowed: "PATCH"`)},
	{Name: "debug: empty method named", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: requested method is not a token: ""`)},
	{Name: "debug: two method lines named as repeated", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("GET"), acrm("PUT")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: several access-control-request-method values: "GET"`)},
	{Name: "debug: methods joined by the host named as repeated", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("GET,PUT")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: several access-control-request-method values: "GET"`)},
	{Name: "debug: lowercase get is not the safelisted GET (methods compare byte-exact)", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("get")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: requested method not allowed: "get"`)},
	{Name: "debug: lowercase post is not the safelisted POST", Config: "debug", Method: "OPTIONS", Headers: [][2]string{origin(App), acrm("post")},
		Want: preflightRejected("dbg", policy.ReasonMethod, varyPreflight, `x-cors-reason: method: requested method not allowed: "post"`)},
	{Name: "debug: refused header named as sent, second line, without whitespace", Config: "debug", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh("Content-Type"), acrh(" content-type ,\tX-Evil\t, x-more")},
		Want:    preflightRejected("dbg", policy.ReasonHeaders, varyPreflight, `x-cors-reason: headers: a requested header is not allowed: "X-Evil"`)},
	{Name: "debug: malformed header escaped", Config: "debug", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh("content-type,x\"é y")},
		Want:    preflightRejected("dbg", policy.ReasonHeaders, varyPreflight, `x-cors-reason: headers: a requested header name is malformed or too long: "x\"\u00e9 y"`)},
	{Name: "debug: long origin cut at 64 bytes", Config: "debug", Headers: [][2]string{origin("https://" + strings.Repeat("a", 2000) + ".example.org")},
		Want: Want{Kind: policy.KindActual, Reason: policy.ReasonLimits, Counter: policy.CounterActualDisallowed, Policy: "dbg", Upstream: true, Status: 200,
			Headers: []string{varyOrigin, `x-cors-reason: limits: origin longer than the limit: "https://` + strings.Repeat("a", 56) + `"...`}}},
	{Name: "debug: repeated origin names the first", Config: "debug", Headers: [][2]string{origin(App), origin("https://evil.test")},
		Want: actualDisallowed("dbg", policy.ReasonOrigin, `x-cors-reason: origin: several Origin header lines: "https://app.example.com"`)},
	{Name: "debug: long origin cut at 64 bytes in a preflight", Config: "debug", Method: "OPTIONS",
		Headers: [][2]string{origin("https://" + strings.Repeat("a", 2000) + ".example.org"), acrm("PUT")},
		Want: preflightRejected("dbg", policy.ReasonLimits, varyPreflight,
			`x-cors-reason: limits: origin longer than the limit: "https://`+strings.Repeat("a", 56)+`"...`)},
	{Name: "debug: too many headers names none", Config: "debug", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT"), acrh(strings.Repeat("content-type,", 65))},
		Want:    preflightRejected("dbg", policy.ReasonLimits, varyPreflight, `x-cors-reason: limits: too many requested headers`)},
}

// Request values exactly at their limits. ACRH is padded with spaces between
// two names: HTTP stacks trim whitespace at the ends of a value, and commas
// have their own limit.
var (
	originAtLimit   = "https://" + hostOfLen(DocMaxOriginBytes-len("https://"), "example.org")
	originPastLimit = "https://" + hostOfLen(DocMaxOriginBytes+1-len("https://"), "example.org")
	methodAtLimit   = strings.Repeat("M", DocMaxMethodBytes)
	acrhAtLimit     = "content-type" + strings.Repeat(" ", DocMaxACRHBytes-len("content-type,x-request-id")) + ",x-request-id"
	commasAtLimit   = "content-type" + strings.Repeat(",", DocMaxACRHCommas)
)

func repeatLine(h [2]string, n int) [][2]string {
	out := make([][2]string, n)
	for i := range out {
		out[i] = h
	}
	return out
}
