package origins

import (
	"strconv"
	"strings"
)

// An IPv4 host a regex leaves open must stay within a private or loopback
// range its leading octets write out (10/8, 127/8, 169.254/16, 172.16/12,
// 192.168/16): no one else holds those addresses.

// publicIPWitness fills the open piece so that the origin's host is an IPv4
// address outside the private and loopback ranges, or returns "": an example
// inside them would show an origin the regex may rightly allow.
func (rc *regexChecker) publicIPWitness(atoms []atom, open int) string {
	candidates := []string{"8.8.8.8", "8.8.8", "8.8", "8"}
	for d := '0'; d <= '9'; d++ {
		one := string(d)
		candidates = append(candidates, one, one+one, one+one+one)
	}
	for _, c := range candidates {
		w := rc.witness(atoms, open, []string{c})
		if _, host, _, ok := splitOrigin(w); ok {
			if ip, ok := parseIPv4(host); ok && !privateIPv4Prefix(octetStrings(ip)) {
				return w
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
