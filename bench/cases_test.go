package bench

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// benchCase is one benchmarked request kind.
type benchCase struct {
	name     string
	config   string // plugin configuration
	req      [][2]string
	upstream [][2]string // upstream response lines (with :status)
}

const app = "https://app.example.com"

func lines(method, origin string, extra ...[2]string) [][2]string {
	l := [][2]string{{":method", method}, {":authority", "api.example.com"}, {":path", "/v1/items"}, {":scheme", "https"},
		{"user-agent", "bench"}, {"accept", "*/*"}}
	if origin != "" {
		l = append(l, [2]string{"origin", origin})
	}
	return append(l, extra...)
}

var upstreamLines = [][2]string{{":status", "200"}, {"content-type", "application/json"}, {"content-length", "12"}}

// benchConfig allows app.example.com PUT with two headers.
var benchConfig = `{"policies":[{"name":"bench","allow_origins":["https://app.example.com","https://*.tenants.example.com"],
	"allow_methods":["PUT","DELETE"],"allow_headers":["content-type","x-request-id"],"expose_headers":["x-request-id"],"max_age":600}]}`

// cases are the request kinds issue #5 names; the same list drives the
// wasm, native and rs/cors benchmarks.
func cases() []benchCase {
	preflight := func(origin, headers string) [][2]string {
		return lines("OPTIONS", origin, [2]string{"access-control-request-method", "PUT"},
			[2]string{"access-control-request-headers", headers})
	}
	return []benchCase{
		{"NoOrigin", benchConfig, lines("GET", ""), upstreamLines},
		{"AllowedActual", benchConfig, lines("GET", app), upstreamLines},
		{"AllowedPreflight", benchConfig, preflight(app, "content-type,x-request-id"), upstreamLines},
		{"RejectedPreflightOrigin", benchConfig, preflight("https://evil.example.net", "content-type"), upstreamLines},
		{"RejectedPreflightHeaders", benchConfig, preflight(app, "content-type,x-forbidden"), upstreamLines},
		{"AdversarialACRH1MiB", benchConfig, preflight(app, strings.Repeat(",", 1<<20)), upstreamLines},
		{"Origins10", policytest.ManyOrigins(10), lines("GET", "https://app7.example.com"), upstreamLines},
		{"Origins10000", policytest.ManyOrigins(10000), lines("GET", "https://app7777.example.com"), upstreamLines},
	}
}
