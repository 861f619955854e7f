package policytest

import (
	"sort"

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
