package policy

import "bytes"

// checkHeaders parses Access-Control-Request-Headers as Fetch and RFC 9110
// allow (a comma-separated list over one or more lines, optional whitespace,
// empty elements ignored, names compared case-insensitively) and checks every
// name against the policy. The byte and element caps make a hostile value
// (1 MiB of commas, GHSA-mh55-gqvf-xfwm) cost no more than a small one.
//
// It lowercases each name into the decision's buffer, which both gives a
// map key without allocating and, when the policy echoes headers (credentials
// with "*"), is the echoed value. It returns the Access-Control-Allow-Headers
// value to send.
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
	for _, line := range r.ACRH {
		for i := 0; i < len(line); {
			// Skip separators and optional whitespace.
			c := line[i]
			if c == ',' || c == ' ' || c == '\t' {
				i++
				continue
			}
			j := i
			for j < len(line) && line[j] != ',' {
				j++
			}
			name := trimOWS(line[i:j])
			i = j
			if !isToken(name) {
				d.nbuf = start
				return "", DetailHeaderMalformed
			}
			count++
			if count > MaxACRHElements {
				d.nbuf = start
				return "", DetailTooManyHeaders
			}
			if detail := s.checkHeaderName(p, d, name, count > 1); detail != DetailNone {
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

// checkHeaderName appends ",name" (lowercased) to the buffer and checks it.
func (s *Set) checkHeaderName(p *compiledPolicy, d *Decision, name string, comma bool) Detail {
	if comma {
		d.buf[d.nbuf] = ','
		d.nbuf++
	}
	at := d.nbuf
	for k := 0; k < len(name); k++ {
		c := name[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		d.buf[d.nbuf] = c
		d.nbuf++
	}
	lower := d.buf[at:d.nbuf]
	if p.anyHeader {
		if string(lower) == "authorization" && !p.authNamed {
			return DetailAuthorizationNotNamed
		}
		if p.echoHeaders && bytes.IndexByte(lower, '*') >= 0 {
			return DetailHeaderNotAllowed // never echo a "*" with credentials (invariant 4)
		}
		return DetailNone
	}
	if _, ok := p.headers[string(lower)]; !ok {
		return DetailHeaderNotAllowed
	}
	return DetailNone
}

// trimOWS removes RFC 9110 optional whitespace (spaces and tabs) at both ends.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
