package policy

import "github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"

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
	if !p.anyHeader {
		if detail := p.listedHeaders(r, d); detail != DetailNone {
			return "", detail
		}
		return p.acah, DetailNone
	}
	return s.parseHeaders(p, r, d)
}

// parseHeaders is checkHeaders past the byte limit, element by element.
func (s *Set) parseHeaders(p *compiledPolicy, r *Request, d *Decision) (string, Detail) {
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

// listedHeaders is checkHeaders for a policy that lists its headers: the
// same elements, limits and answers as parseHeaders (FuzzListedHeaders holds
// the two equal), but each element is compared in place with the listed
// names instead of being lowercased byte by byte into the Decision's buffer,
// which only an echo needs. An element that is no listed name is refused as
// parseHeaders would.
//
// A listed name matches at i when it is followed by the end, a comma or
// whitespace, and the bytes at i are the name in any case: compared against
// the lowercase name 8 bytes at a time, where the name's fold has 0x20 at its
// letters, so that OR-ing it into the request's bytes lowercases exactly those
// (a byte b with b|0x20 equal to a lowercase letter is that letter in either
// case). The search is written out here rather than in a helper: every call
// costs the wasm guest as much as comparing a few words.
func (p *compiledPolicy) listedHeaders(r *Request, d *Decision) Detail {
	commas := len(r.ACRH) - 1
	count := 0
	for _, line := range r.ACRH {
		for i := 0; i < len(line); {
			if c := line[i]; c == ',' || c == ' ' || c == '\t' {
				if c == ',' {
					if commas++; commas > MaxACRHCommas {
						return DetailTooManyHeaders
					}
				}
				i++
				continue
			}
			if count++; count > MaxACRHElements {
				return DetailTooManyHeaders
			}
			from, rest, n := i, len(line)-i, 0
		names:
			for k, h := range p.headerList {
				hl := len(h)
				if hl > rest || hl < rest && line[i+hl] != ',' && line[i+hl] != ' ' && line[i+hl] != '\t' {
					continue
				}
				if hl < 8 {
					j := 0
					for j < hl && lowerToken[line[i+j]] == h[j] {
						j++
					}
					if j == hl {
						n = hl
						break names
					}
					continue
				}
				fold, j := p.headerFold[k], 0
				for j < hl-8 && bytecmp.Word(line, i+j)|bytecmp.Word(fold, j) == bytecmp.Word(h, j) {
					j += 8
				}
				if j >= hl-8 && bytecmp.Word(line, i+hl-8)|bytecmp.Word(fold, hl-8) == bytecmp.Word(h, hl-8) {
					n = hl
					break names
				}
			}
			if n > 0 {
				// After the name: optional whitespace, then a comma or the end.
				for i += n; i < len(line) && (line[i] == ' ' || line[i] == '\t'); i++ {
				}
				if i == len(line) || line[i] == ',' {
					continue
				}
			}
			return refuseElement(line[from:], d)
		}
	}
	return DetailNone
}

// refuseElement refuses the element at the start of rest (up to a comma,
// without trailing whitespace) that is no listed name: malformed when it is
// not a token, else not allowed.
func refuseElement(rest string, d *Decision) Detail {
	end := 0
	for end < len(rest) && rest[end] != ',' {
		end++
	}
	for end > 0 && (rest[end-1] == ' ' || rest[end-1] == '\t') {
		end--
	}
	elem := rest[:end]
	d.refuse(elem)
	for i := 0; i < len(elem); i++ {
		if c := lowerToken[elem[i]]; c == 0 || c == ' ' || c == '\t' {
			return DetailHeaderMalformed
		}
	}
	return DetailHeaderNotAllowed
}

// foldMask is listedHeaders's fold for a lowercase name.
func foldMask(lower string) string {
	m := make([]byte, len(lower))
	for i := 0; i < len(lower); i++ {
		if lower[i] >= 'a' && lower[i] <= 'z' {
			m[i] = 0x20
		}
	}
	return string(m)
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
		if bytecmp.EqualBytes(lower, "authorization") && !p.authNamed {
			return DetailAuthorizationNotNamed
		}
		for _, c := range lower {
			if c == '*' {
				return DetailHeaderNotAllowed // never echo a "*": it would read as a wildcard (invariant I4, docs/rules.md)
			}
		}
		return DetailNone
	}
	// Few names: comparing is cheaper than hashing.
	if len(p.headerList) <= 8 {
		for _, h := range p.headerList {
			if bytecmp.EqualBytes(lower, h) {
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
