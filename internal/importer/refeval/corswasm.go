package refeval

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// CorsWasm answers as the plugin does with the configuration set, in
// front of an upstream that answers every request 200 without CORS headers.
func CorsWasm(set *policy.Set) Server {
	return func(r Request, preflight bool) Response {
		req := &policy.Request{}
		method := r.Method
		if preflight {
			method = "OPTIONS"
		}
		req.AddHeader(":method", method)
		req.AddHeader(":authority", r.Host)
		req.AddHeader(":path", r.Path)
		req.AddHeader("origin", r.Origin)
		if preflight {
			req.AddHeader("access-control-request-method", r.Method)
			if len(r.Headers) > 0 {
				req.AddHeader("access-control-request-headers", RequestHeaders(r))
			}
		} else {
			for _, h := range r.Headers {
				req.AddHeader(h, "1")
			}
		}
		var d policy.Decision
		set.Decide(req, &d)
		resp := Response{Status: 200, Header: map[string]string{}}
		if !d.Reply && !d.Respond {
			return resp
		}
		if d.Reply {
			resp.Status = d.Status
		}
		for _, f := range d.Fields() {
			name := strings.ToLower(f.Name)
			if old, ok := resp.Header[name]; ok {
				resp.Header[name] = old + "," + f.Value
				continue
			}
			resp.Header[name] = f.Value
		}
		return resp
	}
}
