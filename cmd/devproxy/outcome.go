package main

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// outcome is the access log's word for a request. The host only sees the
// response, where a refused origin and a request no policy covers look the
// same (no grant); the counters the plugin moved for the request tell them
// apart, so a developer knows whether to fix allow_origins or a policy's match.
func outcome(e wasmhost.AccessEntry) string {
	if e.Outcome != "cors_not_granted" {
		return e.Outcome
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
	return e.Outcome
}
