package origins

import (
	"regexp"
	"regexp/syntax"
	"testing"
)

// httpReachOf runs the plain-http search alone on expr.
func httpReachOf(t *testing.T, expr string) string {
	t.Helper()
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	rc := &regexChecker{credentials: true, budget: 1 << 40, tree: tree, weight: progSize(tree) + 2, re: regexp.MustCompile(expr)}
	return rc.httpReach()
}

// The search finds a plain-http origin on a host that is not loopback
// whenever the regex matches one a browser can send, however the regex
// spells it, and never names a loopback origin or one no browser sends.
func TestHTTPReach(t *testing.T) {
	for _, c := range []struct {
		name, expr, want string // want "": no such origin
	}{
		{"slashes under a star", `^http://*app\.example\.com$`, "http://app.example.com"},
		{"scheme and slashes under stars", `^ht*p://*00\.0\.a$`, "http://00.0.a"},
		{"slashes under a plus", `^http:/+app\.example\.com$`, "http://app.example.com"},
		{"https or http", `^https?://(localhost|evil\.com)$`, "http://evil.com"},
		{"https only", `^https://.*\.example\.com$`, ""},
		{"localhost", `^http://localhost(:[0-9]+)?$`, ""},
		{"subdomains of localhost", `^http://([a-z0-9-]+\.)*localhost(:[0-9]+)?$`, ""},
		{"localhost is not a suffix of a label", `^http://evillocalhost$`, "http://evillocalhost"},
		{"localhost under another domain", `^http://localhost\.evil\.com$`, "http://localhost.evil.com"},
		{"127.0.0.0/8, every spelling", `^http://127\.[0-9]+\.[0-9]+\.[0-9]+(:[0-9]+)?$`, ""},
		{"outside 127.0.0.0/8", `^http://12[78]\.0\.0\.1$`, "http://128.0.0.1"},
		{"a domain that starts like loopback", `^http://127\.0\.0\.1\.evil\.com$`, "http://127.0.0.1.evil.com"},
		{"octets browsers never send", `^http://(127\.0\.0\.01|999\.1\.1\.1|00\.1\.1\.1|1\.2\.3)$`, ""},
		{"an IPv4 address", `^http://1\.2\.3\.4$`, "http://1.2.3.4"},
		{"IPv6 loopback", `^http://\[::1\](:[0-9]+)?$`, ""},
		{"another IPv6 address", `^http://\[::[12]\]$`, "http://[::2]"},
		{"ports browsers never send", `^http://evil\.com:(0[0-9]*|[7-9][0-9]{4}|6553[6-9])$`, ""},
		{"a valid port behind an invalid one", `^http://evil\.com:[17]000[01]$`, "http://evil.com:10000"},
		{"the largest port", `^http://evil\.com:6553[5-9]$`, "http://evil.com:65535"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := httpReachOf(t, c.expr)
			if got != c.want {
				t.Errorf("%s: got %q, want %q", c.expr, got, c.want)
			}
		})
	}
}
