package origins

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
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

// sendableHTTP reports whether origin is a plain-http origin a browser can
// send on a host that is not loopback: well-formed, a host whose last label
// is a number only as a canonical IPv4 address, and not loopback.
func sendableHTTP(origin string) bool {
	scheme, host, _, ok := splitOrigin(origin)
	if !ok || scheme != "http" || isLoopbackHost(host) {
		return false
	}
	last := host[strings.LastIndexByte(host, '.')+1:]
	if host[0] != '[' && strings.Trim(last, "0123456789") == "" {
		_, ok = parseIPv4(host)
	}
	return ok
}

// The search against enumeration: regexes built from spellings of the
// scheme and "://", two alternative hosts and two alternative ports, so that
// every origin the regex can match is one of at most four, and a host or port
// no browser sends can come first in the search beside one it does. The search must find a plain-http
// origin exactly when one of those is sendable, not loopback and matched.
func TestHTTPReachAgainstEnumeration(t *testing.T) {
	schemes := []string{"http", "ht*p", "https?", "https", "h[t]+p"}
	seps := []string{"://", ":/*", ":/+", ":(//)", ":/{2}"}
	hosts := []string{"localhost", "a\\.localhost", "localhost\\.evil", "127\\.0\\.0\\.1", "127\\.0\\.0\\.01", "127\\.1",
		"1\\.2\\.3\\.4", "00\\.0\\.a", "\\[::1\\]", "\\[::2\\]", "evil\\.com", "999\\.1\\.1\\.1", "1\\.2\\.3", "xlocalhost"}
	ports := []string{"", ":80", ":0", ":1", ":65535", ":65536", ":65540", ":080"}
	plain := func(s string) string { return strings.NewReplacer(`\`, "").Replace(s) }
	rng := rand.New(rand.NewPCG(1, 2))
	found := 0
	for n := 0; n < 3000; n++ {
		s, sep := schemes[rng.IntN(len(schemes))], seps[rng.IntN(len(seps))]
		h1, h2 := hosts[rng.IntN(len(hosts))], hosts[rng.IntN(len(hosts))]
		p1, p2 := ports[rng.IntN(len(ports))], ports[rng.IntN(len(ports))]
		expr := "^" + s + sep + "(" + h1 + "|" + h2 + ")(" + regexp.QuoteMeta(p1) + "|" + regexp.QuoteMeta(p2) + ")$"
		re := regexp.MustCompile(expr)
		want := false
		for _, h := range []string{plain(h1), plain(h2)} {
			for _, p := range []string{p1, p2} {
				if o := "http://" + h + p; re.MatchString(o) && sendableHTTP(o) {
					want = true
				}
			}
		}
		got := httpReachOf(t, expr)
		if (got != "") != want || got != "" && (!re.MatchString(got) || !sendableHTTP(got)) {
			t.Fatalf("%s: search %q, want an origin: %v", expr, got, want)
		}
		if want {
			found++
		}
	}
	if found == 0 || found == 3000 {
		t.Fatalf("%d of 3000 regexes match a sendable plain-http origin: the family tests one way only", found)
	}
}
