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
	switch name {
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
