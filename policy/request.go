package policy

// Request is what a decision looks at: the request line and the CORS request
// headers. The strings may be views into memory the caller reuses; Decide copies
// whatever the decision keeps.
type Request struct {
	Method    string // :method
	Authority string // :authority (host[:port])
	Path      string // :path, query included
	// Origin is the first Origin header line; Origins counts the lines (0 = no Origin).
	Origin  string
	Origins int
	// ACRM is Access-Control-Request-Method; HasACRM says whether the header was present.
	ACRM    string
	HasACRM bool
	// ACRH holds every Access-Control-Request-Headers line.
	ACRH []string
	// ACRPN is Access-Control-Request-Private-Network; HasACRPN says whether it was present.
	ACRPN    string
	HasACRPN bool

	acrhDropped bool // more ACRH lines than any valid request has
	// Repeated ACRM or ACRPN lines: Envoy joins them with "," into one value
	// that is no method and not "true", and they are decided as that joined
	// value would be, whether the host joined them or not.
	acrmRepeated, acrpnRepeated bool
}

// MayDecide reports whether a request line with this (lowercase) name may be
// one AddHeader records, from its length and first byte: a filter in a wasm
// guest calls AddHeader only for those lines, since each call costs (issue 14).
// It is true for every name AddHeader records and false for most others.
//
// routed says whether the set routes by host or path (Set.NeedsRoute); when it
// does not, host, :authority and :path are not needed either.
func MayDecide(name string, routed bool) bool {
	switch len(name) {
	case 4, 5, 10: // host, :path, :authority
		return routed && (name[0] == ':' || name[0] == 'h')
	case 6: // origin
		return name[0] == 'o'
	case 7: // :method (and :scheme, which AddHeader ignores)
		return name[0] == ':' && name[1] == 'm'
	case 29, 30, 38: // access-control-request-method, -headers, -private-network
		return name[0] == 'a'
	}
	return false
}

// requestLine returns name if it is one of the names AddHeader records,
// else "". It compares bytes itself: the runtime's string comparison is a
// call (two, with memeqbody) in the wasm guest, for every line.
func requestLine(name string) string {
	var want string
	switch len(name) {
	case 4:
		want = "host"
	case 5:
		want = ":path"
	case 6:
		want = "origin"
	case 7:
		want = ":method"
	case 10:
		want = ":authority"
	case 29:
		want = "access-control-request-method"
	case 30:
		want = "access-control-request-headers"
	case 38:
		want = "access-control-request-private-network"
	default:
		return ""
	}
	for i := len(want) - 1; i >= 0; i-- { // the names differ at the end
		if name[i] != want[i] {
			return ""
		}
	}
	return want
}

// privateNetwork reports whether r asks for Private Network Access: exactly
// one Access-Control-Request-Private-Network line, "true".
func (r *Request) privateNetwork() bool {
	return r.HasACRPN && !r.acrpnRepeated && r.ACRPN == "true"
}

// Reset empties r for the next request, keeping the ACRH slice's capacity so a
// reused Request does not allocate.
func (r *Request) Reset() {
	acrh := r.ACRH[:0]
	*r = Request{ACRH: acrh}
}

// AddHeader records one request header line (name lowercase, as proxies pass
// them; pseudo-headers included). Lines beyond MaxACRHElements+1 for
// Access-Control-Request-Headers are counted but not kept: Decide rejects such
// a request (limits) without the slice growing with the attack.
func (r *Request) AddHeader(name, value string) {
	switch requestLine(name) {
	case ":method":
		r.Method = value
	case ":authority":
		r.Authority = value
	case "host":
		if r.Authority == "" {
			r.Authority = value
		}
	case ":path":
		r.Path = value
	case "origin":
		if r.Origins == 0 {
			r.Origin = value
		}
		r.Origins++
	case "access-control-request-method":
		if !r.HasACRM {
			r.ACRM, r.HasACRM = value, true
		} else {
			r.acrmRepeated = true
		}
	case "access-control-request-headers":
		if len(r.ACRH) <= MaxACRHElements {
			r.ACRH = append(r.ACRH, value)
		} else {
			r.acrhDropped = true
		}
	case "access-control-request-private-network":
		if !r.HasACRPN {
			r.ACRPN, r.HasACRPN = value, true
		} else {
			r.acrpnRepeated = true
		}
	}
}
