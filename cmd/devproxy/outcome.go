package main

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// outcome is the access log's word for a request, read from what the host
// hands over: who answered, the request and response headers, and the
// counters the plugin moved. On a forwarded response a refused origin and a
// request no policy covers look the same (no grant); the counters tell them
// apart, so a developer knows whether to fix allow_origins or a policy's match.
func outcome(e wasmhost.AccessEntry) string {
	switch e.Details {
	case wasmhost.DetailsViaUpstream:
	case wasmhost.DetailsPluginFailed:
		return "plugin_trap"
	case wasmhost.DetailsUpstreamFailed:
		return "upstream_error"
	default:
		return e.Details // the plugin answered: cors_preflight, cors_rejected_<reason>
	}
	switch {
	case e.Header.Get("Access-Control-Allow-Origin") != "":
		return "cors_allowed"
	case e.Request.Header.Get("Origin") == "":
		return "no_origin"
	}
	for _, c := range e.Counters {
		// In shadow mode the plugin also counts what it would have refused:
		// say that it changed nothing.
		if strings.HasSuffix(c, "."+policy.CounterShadowWouldReject.String()) {
			return "cors_shadow_would_reject"
		}
	}
	for _, c := range e.Counters {
		switch {
		case c == policy.NoPolicyCounter:
			return "cors_no_policy"
		case strings.HasSuffix(c, "."+policy.CounterActualDisallowed.String()):
			return "cors_origin_refused"
		}
		if i := strings.LastIndex(c, ".preflight_rejected."); i >= 0 {
			// on_rejected_preflight "forward": the upstream answered it.
			return "cors_rejected_" + c[i+len(".preflight_rejected."):] + "_forwarded"
		}
	}
	return "cors_not_granted"
}
