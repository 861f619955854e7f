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
	floor    string      // internal/floorplugin's script: the filter's host calls for this case
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

// cases are the benchmarked request kinds; the same list drives the
// wasm, native and rs/cors benchmarks.
func cases() []benchCase {
	preflight := func(origin, headers string) [][2]string {
		return lines("OPTIONS", origin, [2]string{"access-control-request-method", "PUT"},
			[2]string{"access-control-request-headers", headers})
	}
	return []benchCase{
		{"NoOrigin", benchConfig, lines("GET", ""), upstreamLines, floorNoOrigin},
		{"AllowedActual", benchConfig, lines("GET", app), upstreamLines, floorAllowedActual},
		{"AllowedPreflight", benchConfig, preflight(app, "content-type,x-request-id"), upstreamLines, floorAllowedPreflight},
		{"RejectedPreflightOrigin", benchConfig, preflight("https://evil.example.net", "content-type"), upstreamLines, floorRejectedPreflight},
		{"RejectedPreflightHeaders", benchConfig, preflight(app, "content-type,x-forbidden"), upstreamLines, floorRejectedPreflight},
		{"AdversarialACRH1MiB", benchConfig, preflight(app, strings.Repeat(",", 1<<20)), upstreamLines, floorRejectedPreflight},
		{"Origins10", policytest.ManyOrigins(10), lines("GET", "https://app7.example.com"), upstreamLines, floorAllowedActualNoACEH},
		{"Origins10000", policytest.ManyOrigins(10000), lines("GET", "https://app7777.example.com"), upstreamLines, floorAllowedActualNoACEH},
	}
}

// The floor plugin's scripts (internal/floorplugin): per case, the host calls
// the filter makes, with constant data. TestFloorMatchesFilter keeps them
// equal to what the filter really calls.
const (
	floorNoOrigin = `q|v|origin
q|m
s|v|vary
s|a|vary|Origin`
	floorAllowedActual = `q|v|origin
q|p
q|m
s|p
s|a|access-control-allow-origin|https://app.example.com
s|a|access-control-expose-headers|x-request-id
s|a|vary|Origin`
	floorAllowedActualNoACEH = `q|v|origin
q|p
q|m
s|p
s|a|access-control-allow-origin|https://app7.example.com
s|a|vary|Origin`
	floorAllowedPreflight = `q|v|origin
q|p
q|m
q|r|200|cors_preflight|access-control-allow-origin:https://app.example.com|access-control-allow-methods:PUT,DELETE|access-control-allow-headers:content-type,x-request-id|access-control-expose-headers:x-request-id|access-control-max-age:600|vary:Origin, Access-Control-Request-Method, Access-Control-Request-Headers`
	floorRejectedPreflight = `q|v|origin
q|p
q|m
q|g
q|r|403|cors_rejected_origin|vary:Origin, Access-Control-Request-Method, Access-Control-Request-Headers`
)
