package policy

// checkHeaders parses Access-Control-Request-Headers as Fetch and RFC 9110
// allow (a comma-separated list over one or more lines, optional whitespace,
// empty elements ignored, names compared case-insensitively) and checks every
// name against the policy. The byte and element caps make a hostile value
// (1 MiB of commas, GHSA-mh55-gqvf-xfwm) cost no more than a small one.
//
// Each name is lowercased into the decision's buffer in the same pass that
// checks its characters: that gives a lookup key without allocating and, when
// the policy echoes headers ("*" in allow_headers), the echoed value. It
// returns the Access-Control-Allow-Headers value to send.
func (s *Set) checkHeaders(p *compiledPolicy, r *Request, d *Decision) (string, Detail) {
	total := 0
	for _, line := range r.ACRH {
		total += len(line)
	}
	if total > MaxACRHBytes || r.acrhDropped {
		return "", DetailHeadersTooLong
	}
	start := d.nbuf
	count := 0
	// Envoy hands the plugin every ACRH line joined into one with ","
	// (wasmhost/inline.go): commas are counted with one per extra line, so a
	// request is decided the same whether its host joined the lines or not.
	commas := len(r.ACRH) - 1
	for _, line := range r.ACRH {
		for i := 0; i < len(line); {
			if c := line[i]; c == ',' || c == ' ' || c == '\t' {
				if c == ',' {
					if commas++; commas > MaxACRHCommas {
						d.nbuf = start
						return "", DetailTooManyHeaders
					}
				}
				i++
				continue
			}
			count++
			if count > MaxACRHElements {
				d.nbuf = start
				return "", DetailTooManyHeaders
			}
			if count > 1 {
				d.buf[d.nbuf] = ','
				d.nbuf++
			}
			at, from := d.nbuf, i
			for ; i < len(line) && line[i] != ','; i++ {
				d.buf[d.nbuf] = lowerToken[line[i]]
				d.nbuf++
			}
			// Optional whitespace before the comma is not part of the name.
			for d.nbuf > at && (d.buf[d.nbuf-1] == ' ' || d.buf[d.nbuf-1] == '\t') {
				d.nbuf--
			}
			if detail := p.checkHeaderName(d.buf[at:d.nbuf]); detail != DetailNone {
				// Name the element as sent (its lowercased copy maps bytes
				// that are not token characters to 0), without the OWS.
				d.refuse(line[from : from+d.nbuf-at])
				d.nbuf = start
				return "", detail
			}
		}
	}
	if !p.echoHeaders {
		d.nbuf = start
		return p.acah, DetailNone
	}
	return d.view(start), DetailNone
}

// checkHeaderName checks one lowercased name. A zero byte marks a character
// that is not allowed in a token (see lowerToken).
func (p *compiledPolicy) checkHeaderName(lower []byte) Detail {
	for _, c := range lower {
		if c == 0 || c == ' ' || c == '\t' {
			return DetailHeaderMalformed
		}
	}
	if p.anyHeader {
		if equalBytes(lower, "authorization") && !p.authNamed {
			return DetailAuthorizationNotNamed
		}
		for _, c := range lower {
			if c == '*' {
				return DetailHeaderNotAllowed // never echo a "*": it would read as a wildcard (invariant 4)
			}
		}
		return DetailNone
	}
	// Few names: comparing is cheaper than hashing.
	if len(p.headerList) <= 8 {
		for _, h := range p.headerList {
			if equalBytes(lower, h) {
				return DetailNone
			}
		}
		return DetailHeaderNotAllowed
	}
	if _, ok := p.headers[string(lower)]; !ok {
		return DetailHeaderNotAllowed
	}
	return DetailNone
}

// lowerToken maps a byte to its lowercase form when it may appear in an RFC
// 9110 token, and to 0 otherwise, so one table lookup per byte both checks and
// lowercases a header name. Space and tab map to themselves: they can only be
// optional whitespace around a name, which the caller trims (and any left
// inside a name makes it malformed below, as they are not token characters).
var lowerToken = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		if isTokenChar(byte(c)) {
			t[c] = byte(c)
			if c >= 'A' && c <= 'Z' {
				t[c] = byte(c) + 'a' - 'A'
			}
		}
	}
	t[' '], t['\t'] = ' ', '\t'
	return t
}()
