package policy

import "testing"

// AddHeader must record exactly its names (byte-compared by requestLine), and
// MayDecide, the filter's cheap pre-check, must pass every one of them.
func TestRequestLineNames(t *testing.T) {
	recorded := []string{"host", ":path", "origin", ":method", ":authority", "access-control-request-method",
		"access-control-request-headers", "access-control-request-private-network"}
	for _, name := range recorded {
		if k := requestLine(name); k == lineOther || requestLineNames[k] != name || !MayDecide(name, true) {
			t.Errorf("%q: requestLine %d, MayDecide %v", name, k, MayDecide(name, true))
		}
	}
	others := []string{"", "hosT", "ost", ":pat", "origen", "Origin", ":scheme", ":methoD", "accept", "user-agent",
		"x-origin", "access-control-request-methox", "xccess-control-request-method", "access-control-allow-origin",
		"access-control-request-headerz", "access-control-request-private-networx", "content-type"}
	for _, name := range others {
		if k := requestLine(name); k != lineOther {
			t.Errorf("%q recorded as %q", name, requestLineNames[k])
		}
	}
	for _, routing := range []string{"host", ":path", ":authority"} {
		if MayDecide(routing, false) {
			t.Errorf("MayDecide(%q) without routes", routing)
		}
	}
	for _, skipped := range []string{"accept", "user-agent", "content-type", "x-request-id", "cookie", "accept-encoding", ":scheme"} {
		if MayDecide(skipped, true) {
			t.Errorf("MayDecide(%q): a common header the filter could skip", skipped)
		}
	}
	var r Request
	r.AddHeader("origin", "https://a.example")
	r.AddHeader("origen", "x")
	r.AddHeader(":method", "OPTIONS")
	r.AddHeader("access-control-request-method", "PUT")
	if r.Origin != "https://a.example" || r.Origins != 1 || r.Method != "OPTIONS" || r.ACRM != "PUT" {
		t.Errorf("request %+v", r)
	}
}
