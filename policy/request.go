package policy

import "github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"

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

// Request lines AddHeader records.
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

// lineByLength is the only name AddHeader records of each length.
var lineByLength = [39]uint8{4: lineHost, 5: linePath, 6: lineOrigin, 7: lineMethod, 10: lineAuthority,
	29: lineACRM, 30: lineACRH, 38: lineACRPN}

// privateNetwork reports whether r asks for Private Network Access: exactly
// one Access-Control-Request-Private-Network line, "true".
func (r *Request) privateNetwork() bool {
	return r.HasACRPN && !r.acrpnRepeated && r.ACRPN == "true"
}

// Reset empties r for the next request, keeping the ACRH slice's capacity so a
// reused Request does not allocate. It assigns field by field: assigning a
// whole Request clears it with a runtime call in the wasm guest.
func (r *Request) Reset() {
	r.Method, r.Authority, r.Path, r.Origin, r.ACRM, r.ACRPN = "", "", "", "", "", ""
	r.Origins = 0
	r.HasACRM, r.HasACRPN = false, false
	r.ACRH = r.ACRH[:0]
	r.acrhDropped, r.acrmRepeated, r.acrpnRepeated = false, false, false
}

// AddHeader records one request header line (name lowercase, as proxies pass
// them; pseudo-headers included). Lines beyond MaxACRHElements+1 for
// Access-Control-Request-Headers are counted but not kept: Decide rejects such
// a request (limits) without the slice growing with the attack.
//
// A line is classified by the length of its name (one candidate per length,
// lineByLength), then compared with that candidate byte by byte under 8
// bytes, else 8 at a time (the last word overlapping): in the wasm guest the
// runtime's string comparison is a call (two, with memeqbody), a byte loop
// costs 1-4 ns a byte, and so does every call a helper would add per line.
func (r *Request) AddHeader(name, value string) {
	n := len(name)
	if n >= len(lineByLength) || lineByLength[n] == lineOther {
		return
	}
	kind := lineByLength[n]
	want := requestLineNames[kind]
	if n < 8 { // every recorded name has 4 bytes or more
		if !bytecmp.Equal4to8(name, want) {
			return
		}
	} else {
		for i := 0; i < n-8; i += 8 {
			if bytecmp.Word(name, i) != bytecmp.Word(want, i) {
				return
			}
		}
		if bytecmp.Word(name, n-8) != bytecmp.Word(want, n-8) {
			return
		}
	}
	switch kind {
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

// HeaderNames returns the request header names (lowercase) that Decide
// reads: a filter need hand AddHeader no other line. With routes (NeedsRoute)
// they include :authority, host and :path.
func (s *Set) HeaderNames() []string {
	names := []string{":method", "origin", "access-control-request-method", "access-control-request-headers",
		"access-control-request-private-network"}
	if s.NeedsRoute() {
		names = append(names, ":authority", "host", ":path")
	}
	return names
}
