package origins

import (
	"regexp/syntax"
	"strconv"
	"strings"
)

// An IPv4 host a regex leaves open must stay within a private or loopback
// range its leading octets write out (10/8, 127/8, 169.254/16, 172.16/12,
// 192.168/16): no one else holds those addresses.

// publicIPWitness fills one open piece of the host (atoms[from:end]) so that
// the origin's host is an IPv4 address outside the private and loopback
// ranges, or returns "": an example inside them would show an origin the
// regex may rightly allow.
func (rc *regexChecker) publicIPWitness(atoms []atom, from, end int) string {
	candidates := []string{"8.8.8.8", "8.8.8", "8.8", "8"}
	for d := '0'; d <= '9'; d++ {
		one := string(d)
		candidates = append(candidates, one, one+one, one+one+one)
	}
	for i := from; i < end; i++ {
		if atoms[i].node == nil {
			continue
		}
		for _, c := range candidates {
			w := rc.witness(atoms, i, []string{c})
			if _, host, _, ok := splitOrigin(w); ok {
				if ip, ok := parseIPv4(host); ok && !privateIPv4Prefix(octetStrings(ip)) {
					return w
				}
			}
		}
	}
	return ""
}

// octetStrings writes an IPv4 address's octets in decimal.
func octetStrings(ip [4]byte) []string {
	return []string{strconv.Itoa(int(ip[0])), strconv.Itoa(int(ip[1])), strconv.Itoa(int(ip[2])), strconv.Itoa(int(ip[3]))}
}

// literalOctets is the complete octets an IPv4 pattern starts with literally.
func literalOctets(atoms []atom) []string {
	var b strings.Builder
	for _, a := range atoms {
		if a.node != nil {
			break
		}
		b.WriteByte(a.lit)
	}
	parts := strings.Split(b.String(), ".")
	return parts[:len(parts)-1]
}

// privateIPv4Prefix reports whether addresses starting with these octets are
// all loopback, private (RFC 1918) or link-local: a range no one else can hold.
func privateIPv4Prefix(octets []string) bool {
	if len(octets) == 0 {
		return false
	}
	switch octets[0] {
	case "10", "127":
		return true
	}
	if len(octets) < 2 {
		return false
	}
	second, err := strconv.Atoi(octets[1])
	return err == nil && (octets[0] == "192" && second == 168 || octets[0] == "169" && second == 254 || octets[0] == "172" && second >= 16 && second <= 31)
}

// privateByClasses reports whether an IPv4 pattern whose first octet is
// written out (172, 192 or 169) has a second octet of single characters, such
// as 1[6-9] or 2[0-9], every canonical value of which keeps the address in
// 172.16.0.0/12, 192.168.0.0/16 or 169.254.0.0/16. Values browsers never send
// (a leading zero, over 255) do not count; anything else in the second octet
// (a repetition) makes it false.
func privateByClasses(atoms []atom) bool {
	i := 0
	first := ""
	for ; i < len(atoms) && atoms[i].node == nil && atoms[i].lit != '.'; i++ {
		first += string(atoms[i].lit)
	}
	if first != "172" && first != "192" && first != "169" || i == len(atoms) || atoms[i].node != nil {
		return false
	}
	var digits []string // the digits each position of the second octet can hold
	for i++; i < len(atoms) && !(atoms[i].node == nil && atoms[i].lit == '.'); i++ {
		a := &atoms[i]
		switch {
		case len(digits) == 3:
			return false
		case a.node == nil && a.lit >= '0' && a.lit <= '9':
			digits = append(digits, string(a.lit))
		case a.node != nil && a.node.Op == syntax.OpCharClass && a.chars.only("0123456789"):
			d := ""
			for c := byte('0'); c <= '9'; c++ {
				if a.chars.has(c) {
					d += string(c)
				}
			}
			digits = append(digits, d)
		default:
			return false
		}
	}
	if i == len(atoms) || len(digits) == 0 {
		return false
	}
	values := []string{""}
	for _, d := range digits {
		var next []string
		for _, v := range values {
			for j := 0; j < len(d); j++ {
				next = append(next, v+d[j:j+1])
			}
		}
		values = next
	}
	for _, v := range values {
		n, err := strconv.Atoi(v)
		if err != nil || len(v) > 1 && v[0] == '0' || n > 255 {
			continue // no browser sends this octet
		}
		if !privateIPv4Prefix([]string{first, v}) {
			return false
		}
	}
	return true
}
