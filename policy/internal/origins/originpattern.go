package origins

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pattern is one parsed entry of allow_origins other than "*" and "null".
type Pattern struct {
	scheme string
	host   string // the full host, or for a subdomain pattern the suffix after "*."
	port   string // "" (default port), digits, or "*" for any port
	sub    bool   // "*." pattern: one or more labels in front of host
}

// anyPort is the port of a ":*" pattern.
const anyPort = "*"

// ParsePattern checks one configured origin and says precisely what is
// wrong with it. Browsers serialize origins canonically (lowercase scheme and
// host, punycode, no default port, no path), so anything else could never match
// and is a configuration mistake, not something to "clean".
func ParsePattern(s string) (Pattern, string) {
	var p Pattern
	if !utf8.ValidString(s) {
		return p, "not valid UTF-8"
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return p, "contains whitespace or a control character"
		}
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return p, "not an origin: expected scheme://host[:port]"
	}
	p.scheme, s = s[:i], s[i+3:]
	if reason := checkScheme(p.scheme); reason != "" {
		return p, reason
	}
	switch {
	case strings.ContainsAny(s, "@"):
		return p, "has userinfo: an origin is scheme://host[:port]"
	case strings.HasSuffix(s, "/"):
		return p, "has a trailing slash: browsers send origins without one"
	case strings.ContainsAny(s, "/"):
		return p, "has a path: an origin is scheme://host[:port]"
	case strings.ContainsAny(s, "?#"):
		return p, "has a query or fragment: an origin is scheme://host[:port]"
	}
	host, port, reason := splitHostPort(s)
	if reason != "" {
		return p, reason
	}
	p.port = port
	if port != "" && port != anyPort {
		if reason := checkPort(p.scheme, port); reason != "" {
			return p, reason
		}
	}
	if strings.HasPrefix(host, "*.") {
		p.sub, host = true, host[2:]
	}
	if strings.Contains(host, "*") {
		return p, `malformed wildcard: "*." may only stand for the leftmost label(s), as in https://*.example.com`
	}
	if reason := CheckHost(host, p.sub); reason != "" {
		return p, reason
	}
	p.host = host
	return p, ""
}

func checkScheme(scheme string) string {
	if strings.ToLower(scheme) != scheme {
		return "has uppercase letters: browsers send the scheme in lowercase"
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		ok := c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return "malformed scheme"
		}
	}
	return ""
}

// splitHostPort separates host and port, keeping IPv6 brackets on the host.
func splitHostPort(s string) (host, port, reason string) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", "malformed IPv6 address: missing ]"
		}
		host, s = s[:end+1], s[end+1:]
		if s == "" {
			return host, "", ""
		}
		if s[0] != ':' {
			return "", "", "malformed host"
		}
		return host, s[1:], portReason(s[1:])
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:], portReason(s[i+1:])
	}
	return s, "", ""
}

func portReason(port string) string {
	if port == "" {
		return "empty port: write the port, or leave out the colon"
	}
	return ""
}

// checkPort refuses ports browsers would never send: out of range, with
// leading zeros, or the scheme's default port (browsers omit it).
func checkPort(scheme, port string) string {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
		return "invalid port: expected 1-65535 without leading zeros, or * for any port"
	}
	if scheme == "http" && n == 80 || scheme == "https" && n == 443 {
		return "default port: browsers omit it, so this origin would never match; leave the port out"
	}
	return ""
}

// CheckHost validates a host (or the suffix of a "*." pattern) as browsers
// serialize it.
func CheckHost(host string, sub bool) string {
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
		ip, ok := parseIPv6(host[1 : len(host)-1])
		if !ok {
			return "malformed IPv6 address"
		}
		if canonical := formatIPv6(ip); "["+canonical+"]" != host {
			return "IPv6 address not in canonical form: browsers send [" + canonical + "]"
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
	if _, ok := parseIPv4(host); ok {
		if sub {
			return "a wildcard cannot stand in front of an IP address"
		}
		return ""
	}
	if isUnbracketedIPv6(host) {
		if sub {
			return "a wildcard cannot stand in front of an IP address"
		}
		return "IP address not in canonical form"
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

func checkLabel(label string) string {
	if label == "" {
		return "empty label in host"
	}
	if len(label) > 63 {
		return "host label longer than 63 bytes"
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return "host label starts or ends with a hyphen"
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "invalid character " + strconv.QuoteRune(rune(c)) + " in host"
		}
	}
	return ""
}

func isAllDigitsAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// isLoopbackHost reports whether plain http to host is still a secure context
// in browsers (localhost and loopback addresses), so http origins there may be
// used with credentials.
func isLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "[::1]" {
		return true
	}
	ip, ok := parseIPv4(host)
	return ok && ip[0] == 127 // 127.0.0.0/8
}

// isUnbracketedIPv6 reports whether host is an IPv6 address written without
// brackets, with or without a zone. Such a host only comes from reading the
// last colon as the port separator (http://1::2:80), and is reported as an IP
// address in the wrong form rather than as a bad host name.
func isUnbracketedIPv6(host string) bool {
	if i := strings.IndexByte(host, '%'); i >= 0 {
		if i == len(host)-1 {
			return false // net/netip refuses an empty zone too
		}
		host = host[:i]
	}
	_, ok := parseIPv6(host)
	return ok
}
