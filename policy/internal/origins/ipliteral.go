package origins

import "strconv"

// This file parses the IP address literals that may appear as the host of a
// configured origin. It replaces net/netip, which (with the unique and weak
// packages it pulls in) cost about 0.18 MB of the .wasm for a few calls made
// at configure time only, and whose IPv6 String() differs from what browsers
// send for IPv4-mapped addresses (see formatIPv6). Validity follows
// net/netip.ParseAddr exactly (the differential test holds us to it), minus
// zones, which an origin cannot carry.

// parseIPv4 parses a dotted-decimal IPv4 address: exactly four decimal parts,
// each 0-255, without leading zeros. Browsers serialize IPv4 hosts in this form
// (URL Standard, "IPv4 serializer"), so a leading zero is refused rather than
// read as octal or decimal.
func parseIPv4(s string) (ip [4]byte, ok bool) {
	part, val, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || part == 4 {
				return ip, false
			}
			ip[part] = byte(val)
			part, val, digits = part+1, 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits > 0 && val == 0 {
			return ip, false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return ip, false
		}
	}
	return ip, part == 4
}

// parseIPv6 parses an IPv6 address without brackets or zone: up to eight
// pieces of one to four hex digits, at most one "::" standing for one or more
// zero pieces, and optionally the last two pieces written as a dotted IPv4
// address.
func parseIPv6(s string) (ip [16]byte, ok bool) {
	ellipsis := -1 // byte offset in ip where "::" stands
	i := 0         // bytes of ip filled
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, s = 0, s[2:]
		if s == "" {
			return ip, true
		}
	}
	for i < 16 {
		n, v := 0, 0
		for ; n < len(s); n++ {
			d := hexDigit(s[n])
			if d < 0 {
				break
			}
			if n == 4 {
				return ip, false // more than four hex digits in a piece
			}
			v = v<<4 | d
		}
		if n == 0 {
			return ip, false
		}
		if n < len(s) && s[n] == '.' {
			// A trailing dotted IPv4 address fills the last four bytes.
			v4, ok := parseIPv4(s)
			if !ok || i+4 > 16 {
				return ip, false
			}
			copy(ip[i:], v4[:])
			i, s = i+4, ""
			break
		}
		ip[i], ip[i+1] = byte(v>>8), byte(v)
		i, s = i+2, s[n:]
		if s == "" {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return ip, false // a stray character, or a trailing single colon
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return ip, false // a second "::"
			}
			ellipsis, s = i, s[1:]
			if s == "" {
				break
			}
		}
	}
	if s != "" {
		return ip, false // more than eight pieces
	}
	if i == 16 {
		// "::" must stand for at least one zero piece, as in net/netip.
		return ip, ellipsis < 0
	}
	if ellipsis < 0 {
		return ip, false // too few pieces
	}
	gap := 16 - i
	copy(ip[ellipsis+gap:], ip[ellipsis:i])
	clear(ip[ellipsis : ellipsis+gap])
	return ip, true
}

// hexDigit returns the value of a hex digit of either case, or -1.
func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// formatIPv6 serializes an IPv6 address exactly as browsers put it in an
// Origin header: the URL Standard's "IPv6 serializer"
// (https://url.spec.whatwg.org/#concept-ipv6-serializer): lowercase hex pieces
// without leading zeros, the first longest run of two or more zero pieces
// compressed to "::", and never a dotted-quad tail. net/netip writes
// IPv4-mapped addresses as ::ffff:1.2.3.4, but browsers send [::ffff:102:304],
// which is why we cannot use its String().
func formatIPv6(ip [16]byte) string {
	var pieces [8]uint16
	for k := range pieces {
		pieces[k] = uint16(ip[2*k])<<8 | uint16(ip[2*k+1])
	}
	compress, longest := -1, 1
	for k := 0; k < 8; {
		if pieces[k] != 0 {
			k++
			continue
		}
		end := k
		for end < 8 && pieces[end] == 0 {
			end++
		}
		if end-k > longest {
			compress, longest = k, end-k
		}
		k = end
	}
	buf := make([]byte, 0, 39)
	ignore0 := false
	for k, p := range pieces {
		if ignore0 && p == 0 {
			continue
		}
		ignore0 = false
		if k == compress {
			if k == 0 {
				buf = append(buf, ':')
			}
			buf = append(buf, ':')
			ignore0 = true
			continue
		}
		buf = strconv.AppendUint(buf, uint64(p), 16)
		if k != 7 {
			buf = append(buf, ':')
		}
	}
	return string(buf)
}
