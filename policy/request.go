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

// Request lines AddHeader records, as requestLine classifies them.
const (
	lineOther = iota
	lineHost
	linePath
	lineOrigin
	lineMethod
	lineAuthority
	lineACRM
	lineACRH
	lineACRPN
)

// requestLineNames are the names of the lines AddHeader records, by kind.
var requestLineNames = [...]string{lineHost: "host", linePath: ":path", lineOrigin: "origin", lineMethod: ":method",
	lineAuthority: ":authority", lineACRM: "access-control-request-method", lineACRH: "access-control-request-headers",
	lineACRPN: "access-control-request-private-network"}

// requestLine classifies a request line's name. It compares bytes itself: the
// runtime's string comparison is a call (two, with memeqbody) in the wasm
// guest, for every line, and so is a switch on strings.
func requestLine(name string) int {
	if len(name) >= len(lineByLength) {
		return lineOther
	}
	kind := lineByLength[len(name)]
	want := requestLineNames[kind]
	if kind == lineOther {
		return lineOther
	}
	for i := len(want) - 1; i >= 0; i-- { // the names differ at the end
		if name[i] != want[i] {
			return lineOther
		}
	}
	return int(kind)
}

// lineByLength is the only name AddHeader records of each length.
var lineByLength = [39]uint8{4: lineHost, 5: linePath, 6: lineOrigin, 7: lineMethod, 10: lineAuthority,
	29: lineACRM, 30: lineACRH, 38: lineACRPN}

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
	case lineMethod:
		r.Method = value
	case lineAuthority:
		r.Authority = value
	case lineHost:
		if r.Authority == "" {
			r.Authority = value
		}
	case linePath:
		r.Path = value
	case lineOrigin:
		if r.Origins == 0 {
			r.Origin = value
		}
		r.Origins++
	case lineACRM:
		if !r.HasACRM {
			r.ACRM, r.HasACRM = value, true
		} else {
			r.acrmRepeated = true
		}
	case lineACRH:
		if len(r.ACRH) <= MaxACRHElements {
			r.ACRH = append(r.ACRH, value)
		} else {
			r.acrhDropped = true
		}
	case lineACRPN:
		if !r.HasACRPN {
			r.ACRPN, r.HasACRPN = value, true
		} else {
			r.acrpnRepeated = true
		}
	}
}
