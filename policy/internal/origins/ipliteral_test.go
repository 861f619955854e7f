package origins

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// ipLiteralCases are the IP literals the parser must get right. v6 is the
// browser serialization of a valid IPv6 address; v4 is set for a valid IPv4
// address; a case with neither is invalid as both.
var ipLiteralCases = []struct {
	name, in string
	v4       *[4]byte
	v6       string
}{
	{"ipv4", "192.0.2.1", &[4]byte{192, 0, 2, 1}, ""},
	{"ipv4 zeros", "0.0.0.0", &[4]byte{}, ""},
	{"ipv4 max", "255.255.255.255", &[4]byte{255, 255, 255, 255}, ""},
	{"ipv4 256", "1.2.3.256", nil, ""},
	{"ipv4 999", "999.2.3.4", nil, ""},
	{"ipv4 leading zero", "01.2.3.4", nil, ""},
	{"ipv4 leading zero of zero", "1.2.3.00", nil, ""},
	{"ipv4 three parts", "1.2.3", nil, ""},
	{"ipv4 five parts", "1.2.3.4.5", nil, ""},
	{"ipv4 empty part", "1..3.4", nil, ""},
	{"ipv4 trailing dot", "1.2.3.4.", nil, ""},
	{"ipv4 leading dot", ".1.2.3.4", nil, ""},
	{"ipv4 hex part", "0x1.2.3.4", nil, ""},
	{"ipv4 sign", "+1.2.3.4", nil, ""},
	{"ipv4 zone", "1.2.3.4%eth0", nil, ""},
	{"empty", "", nil, ""},
	{"single colon", ":", nil, ""},
	{"unspecified", "::", nil, "::"},
	{"loopback", "::1", nil, "::1"},
	{"loopback non-canonical", "0:0:0:0:0:0:0:1", nil, "::1"},
	{"documentation", "2001:db8::1", nil, "2001:db8::1"},
	{"uppercase", "2001:DB8::1", nil, "2001:db8::1"},
	{"leading zeros in pieces", "2001:0db8:0000::0001", nil, "2001:db8::1"},
	{"full", "1:2:3:4:5:6:7:8", nil, "1:2:3:4:5:6:7:8"},
	{"trailing ::", "1:2:3:4:5:6:7::", nil, "1:2:3:4:5:6:7:0"},
	{"leading ::", "::2:3:4:5:6:7:8", nil, "0:2:3:4:5:6:7:8"},
	{"single zero not compressed", "1:0:2:3:4:5:6:7", nil, "1:0:2:3:4:5:6:7"},
	{"first longest run", "1:0:0:2:0:0:3:4", nil, "1::2:0:0:3:4"},
	{"longer later run", "1:0:0:2:0:0:0:3", nil, "1:0:0:2::3"},
	{"all zero pieces written out", "0:0:0:0:0:0:0:0", nil, "::"},
	{"v4-mapped", "::ffff:1.2.3.4", nil, "::ffff:102:304"},
	{"v4-mapped hex", "::ffff:102:304", nil, "::ffff:102:304"},
	{"v4-compatible", "::1.2.3.4", nil, "::102:304"},
	{"embedded ipv4 full", "1:2:3:4:5:6:1.2.3.4", nil, "1:2:3:4:5:6:102:304"},
	{"embedded ipv4 leading zero", "::ffff:01.2.3.4", nil, ""},
	{"embedded ipv4 256", "::ffff:1.2.3.256", nil, ""},
	{"embedded ipv4 not last", "::1.2.3.4:1", nil, ""},
	{"embedded ipv4 too early", "1:2:3:4:5:1.2.3.4", nil, ""},
	{"embedded ipv4 too many pieces", "1:2:3:4:5:6:7:1.2.3.4", nil, ""},
	{"embedded ipv4 with :: and no room", "::1:2:3:4:5:6:1.2.3.4", nil, ""},
	{"zone", "fe80::1%eth0", nil, ""},
	{"empty zone", "fe80::1%", nil, ""},
	{"too many pieces", "1:2:3:4:5:6:7:8:9", nil, ""},
	{"too few pieces", "1:2:3:4:5:6:7", nil, ""},
	{":: for no piece", "1:2:3:4::5:6:7:8", nil, ""},
	{":: after eight pieces", "1:2:3:4:5:6:7:8::", nil, ""},
	{":: twice", "1::2::3", nil, ""},
	{":::", "1:::2", nil, ""},
	{"leading single colon", ":1::2", nil, ""},
	{"trailing single colon", "1::2:", nil, ""},
	{"five hex digits", "1::12345", nil, ""},
	{"five digits with leading zero", "1::01234", nil, ""},
	{"not hex", "1::g", nil, ""},
	{"brackets", "[::1]", nil, ""},
	{"space", "::1 ", nil, ""},
}

func TestIPLiterals(t *testing.T) {
	for _, c := range ipLiteralCases {
		t.Run(c.name, func(t *testing.T) {
			v4, ok := parseIPv4(c.in)
			if ok != (c.v4 != nil) {
				t.Fatalf("parseIPv4(%q) ok = %v, want %v", c.in, ok, c.v4 != nil)
			}
			if ok && v4 != *c.v4 {
				t.Errorf("parseIPv4(%q) = %v, want %v", c.in, v4, *c.v4)
			}
			v6, ok := parseIPv6(c.in)
			if ok != (c.v6 != "") {
				t.Fatalf("parseIPv6(%q) ok = %v, want %v", c.in, ok, c.v6 != "")
			}
			if got := formatIPv6(v6); ok && got != c.v6 {
				t.Errorf("formatIPv6(parseIPv6(%q)) = %q, want %q", c.in, got, c.v6)
			}
			checkAgainstNetip(t, c.in)
		})
	}
}

// FuzzIPLiteral holds the parser to net/netip: the same inputs are valid
// (IPv4 without zone, IPv6 without zone), they mean the same address, and the
// serialization is netip's except for IPv4-mapped addresses, where browsers
// (URL Standard IPv6 serializer) write hex pieces and netip a dotted quad.
func FuzzIPLiteral(f *testing.F) {
	for _, c := range ipLiteralCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgainstNetip(t, s)
	})
}

func checkAgainstNetip(t *testing.T, s string) {
	t.Helper()
	ref, err := netip.ParseAddr(s)
	valid := err == nil && ref.Zone() == ""
	v4, ok4 := parseIPv4(s)
	if want := valid && ref.Is4(); ok4 != want {
		t.Fatalf("parseIPv4(%q) ok = %v, netip says %v (err %v)", s, ok4, want, err)
	}
	if ok4 && v4 != ref.As4() {
		t.Fatalf("parseIPv4(%q) = %v, netip %v", s, v4, ref.As4())
	}
	v6, ok6 := parseIPv6(s)
	if want := valid && ref.Is6(); ok6 != want {
		t.Fatalf("parseIPv6(%q) ok = %v, netip says %v (err %v)", s, ok6, want, err)
	}
	if !ok6 {
		return
	}
	if v6 != ref.As16() {
		t.Fatalf("parseIPv6(%q) = %v, netip %v", s, v6, ref.As16())
	}
	want := ref.String()
	if ref.Is4In6() {
		// The one documented difference: the URL Standard never writes a
		// dotted quad, so ::ffff:1.2.3.4 goes out as ::ffff:102:304.
		want = "::ffff:" + strconv.FormatUint(uint64(v6[12])<<8|uint64(v6[13]), 16) +
			":" + strconv.FormatUint(uint64(v6[14])<<8|uint64(v6[15]), 16)
	}
	if got := formatIPv6(v6); got != want {
		t.Fatalf("formatIPv6(%q) = %q, want %q", s, got, want)
	}
}

// TestCheckHostIPLiterals pins the messages CheckHost gives for IP literal
// hosts; the hint names what browsers really send.
func TestCheckHostIPLiterals(t *testing.T) {
	cases := []struct {
		name, host string
		sub        bool
		want       string
	}{
		{"ipv4", "192.0.2.1", false, ""},
		{"ipv4 leading zero", "192.0.2.01", false, "malformed IPv4 address"},
		{"ipv4 256", "192.0.2.256", false, "malformed IPv4 address"},
		{"ipv4 under wildcard", "192.0.2.1", true, "a wildcard cannot stand in front of an IP address"},
		{"ipv6", "[2001:db8::1]", false, ""},
		{"ipv6 non-canonical", "[2001:DB8:0:0::1]", false, "IPv6 address not in canonical form: browsers send [2001:db8::1]"},
		{"ipv6 not first longest run", "[1:0:0:2::3:4]", false, "IPv6 address not in canonical form: browsers send [1::2:0:0:3:4]"},
		{"v4-mapped as browsers send it", "[::ffff:102:304]", false, ""},
		{"v4-mapped dotted", "[::ffff:1.2.3.4]", false, "IPv6 address not in canonical form: browsers send [::ffff:102:304]"},
		{"ipv6 zone", "[fe80::1%25eth0]", false, "malformed IPv6 address"},
		{"ipv4 in brackets", "[1.2.3.4]", false, "malformed IPv6 address"},
		{"ipv6 :: twice", "[1::2::3]", false, "malformed IPv6 address"},
		{"ipv6 empty", "[]", false, "malformed IPv6 address"},
		{"ipv6 under wildcard", "[::1]", true, "a wildcard cannot stand in front of an IP address"},
		{"unbracketed ipv6", "1::2", false, "IP address not in canonical form"},
		{"unbracketed ipv6 with zone", "fe80::1%eth0", false, "IP address not in canonical form"},
		{"unbracketed ipv6 empty zone", "fe80::1%", false, `invalid character ':' in host`},
		{"unbracketed ipv6 under wildcard", "1::2", true, "a wildcard cannot stand in front of an IP address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CheckHost(c.host, c.sub); got != c.want {
				t.Errorf("CheckHost(%q, %v) = %q, want %q", c.host, c.sub, got, c.want)
			}
		})
	}
}

func TestIsLoopbackHost(t *testing.T) {
	cases := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"app.localhost", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"128.0.0.1", false},
		{"126.0.0.1", false},
		{"127.0.0.01", false},
		{"127.1", false},
		{"[::1]", true},
		{"[::ffff:7f00:1]", false}, // browsers do not treat mapped loopback as potentially trustworthy
		{"[::2]", false},
		{"example.com", false},
	}
	for _, c := range cases {
		t.Run(c.host, func(t *testing.T) {
			if got := isLoopbackHost(c.host); got != c.want {
				t.Errorf("isLoopbackHost(%q) = %v, want %v", c.host, got, c.want)
			}
		})
	}
}

// FuzzCheckHost compares CheckHost with the net/netip version it replaced
// (kept below as the reference), so no message changed except the one that
// was wrong: the hint for IPv4-mapped addresses.
func FuzzCheckHost(f *testing.F) {
	for _, c := range ipLiteralCases {
		f.Add(c.in, false)
		f.Add("["+c.in+"]", false)
		f.Add("["+c.in+"]", true)
	}
	f.Add("127.0.0.1", false)
	f.Add("example.com", true)
	f.Fuzz(func(t *testing.T, host string, sub bool) {
		got, want := CheckHost(host, sub), checkHostNetip(host, sub)
		if got != want {
			ref, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
			mapped := err == nil && ref.Is4In6()
			if !mapped || !isCanonicalityVerdict(got) || !isCanonicalityVerdict(want) {
				t.Fatalf("CheckHost(%q, %v) = %q, netip version %q", host, sub, got, want)
			}
		}
		if got, want := isLoopbackHost(host), isLoopbackHostNetip(host); got != want {
			t.Fatalf("isLoopbackHost(%q) = %v, netip version %v", host, got, want)
		}
	})
}

// isCanonicalityVerdict reports whether reason is what CheckHost says about a
// well-formed IPv6 address: fine, or not in canonical form.
func isCanonicalityVerdict(reason string) bool {
	return reason == "" || strings.HasPrefix(reason, "IPv6 address not in canonical form: ")
}

// checkHostNetip is CheckHost as it was with net/netip, the reference for
// FuzzCheckHost.
func checkHostNetip(host string, sub bool) string {
	if host == "" {
		return "empty host"
	}
	if strings.HasPrefix(host, "[") {
		if len(host) < 2 || !strings.HasSuffix(host, "]") {
			return "malformed IPv6 address"
		}
		if sub {
			return "a wildcard cannot stand in front of an IP address"
		}
		addr, err := netip.ParseAddr(host[1 : len(host)-1])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "malformed IPv6 address"
		}
		if "["+addr.String()+"]" != host {
			return "IPv6 address not in canonical form: browsers send [" + addr.String() + "]"
		}
		return ""
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return "non-ASCII host: write internationalized names in punycode (xn--...), as browsers send them"
		}
	}
	if strings.ToLower(host) != host {
		return "has uppercase letters: browsers send the host in lowercase"
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if sub {
			return "a wildcard cannot stand in front of an IP address"
		}
		if !addr.Is4() || addr.String() != host {
			return "IP address not in canonical form"
		}
		return ""
	}
	if strings.HasSuffix(host, ".") {
		return "trailing dot in host: browsers send the host without it"
	}
	if len(host) > 253 {
		return "host longer than 253 bytes"
	}
	for _, label := range strings.Split(host, ".") {
		if reason := checkLabel(label); reason != "" {
			return reason
		}
	}
	if isAllDigitsAndDots(host) {
		return "malformed IPv4 address"
	}
	return ""
}

// isLoopbackHostNetip is isLoopbackHost as it was with net/netip.
func isLoopbackHostNetip(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "[::1]" {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Is4() && addr.IsLoopback()
}
