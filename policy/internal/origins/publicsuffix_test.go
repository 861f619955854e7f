package origins

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// suffixRuleList is suffixRules back in the list's own notation: "co.uk",
// "*.kawasaki.jp", "!city.kawasaki.jp".
func suffixRuleList() []string {
	var out []string
	for _, key := range strings.Split(strings.TrimSuffix(suffixRules, "\n"), "\n") {
		switch {
		case strings.HasSuffix(key, "!"):
			out = append(out, "!"+reverseLabels(key[:len(key)-1]))
		default:
			out = append(out, reverseLabels(key)) // "jp.kawasaki.*" turns into "*.kawasaki.jp"
		}
	}
	return out
}

// The generated table agrees with golang.org/x/net/publicsuffix, the copy of
// the list it is generated from, on every rule and on the names each rule
// decides: a label under a plain rule, one and two labels under a wildcard
// rule, an exception and a label under it.
func TestPublicSuffixAgreesWithXNet(t *testing.T) {
	rules := suffixRuleList()
	if len(rules) < 9000 {
		t.Fatalf("the table holds %d rules; the list has over 9000", len(rules))
	}
	checked, wrong := 0, 0
	check := func(rule, name string) {
		checked++
		want, _ := publicsuffix.PublicSuffix(name)
		if got := publicSuffix(name); got != want {
			wrong++
			if wrong <= 20 {
				t.Errorf("rule %s: publicSuffix(%q) = %q, x/net says %q", rule, name, got, want)
			}
		}
	}
	for _, r := range rules {
		switch {
		case strings.HasPrefix(r, "*."):
			check(r, r[2:])
			check(r, "x0"+r[1:])
			check(r, "a.x0"+r[1:])
		case strings.HasPrefix(r, "!"):
			check(r, r[1:])
			check(r, "a."+r[1:])
		default:
			check(r, r)
			check(r, "x0."+r)
		}
	}
	t.Logf("%d rules, %d names checked, %d wrong", len(rules), checked, wrong)
}

// The names the list gained after the copy the table was first made from:
// each is a public suffix, so a wildcard over it is refused.
func TestPublicSuffixKnowsRecentSuffixes(t *testing.T) {
	for _, d := range []string{"ngrok-free.app", "up.railway.app", "blob.core.windows.net", "lovable.app", "hf.space",
		"replit.dev", "val.run", "csb.app", "s3.amazonaws.com", "github.io", "co.uk", "x.kawasaki.jp", "uc.r.appspot.com"} {
		t.Run(d, func(t *testing.T) {
			if !isPublicSuffix(d) {
				t.Errorf("%s is not a public suffix in the table (%s)", d, suffixListSource)
			}
		})
	}
	for _, d := range []string{"example.com", "kawasaki.jp", "city.kawasaki.jp", "amazonaws.com", "r.appspot.com", "mysite.github.io", "localhost.example"} {
		t.Run(d, func(t *testing.T) {
			if isPublicSuffix(d) {
				t.Errorf("%s is a public suffix in the table", d)
			}
		})
	}
}

// The header names the x/net version the table came from; it must be the one
// this module builds with, or `make suffixes` was not run after an upgrade.
func TestSuffixTableMatchesGoMod(t *testing.T) {
	gomod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "golang.org/x/net" {
			if want := "golang.org/x/net " + f[1] + ":"; !strings.HasPrefix(suffixListSource, want) {
				t.Fatalf("suffixes_gen.go comes from %q, go.mod requires %s: run make suffixes", suffixListSource, f[1])
			}
			return
		}
	}
	t.Fatal("go.mod does not require golang.org/x/net")
}

// foreignHosts and outside against x/net: for the domain above each rule (and
// the domain of each wildcard rule), when it is not itself a public suffix, the
// "*." pattern over it is refused, and the origin the refusal names is one the
// compiled pattern matches and whose registrable domain, by x/net, is not the
// written domain's. Domains with no rule below them are accepted.
func TestSubdomainReachAgreesWithXNet(t *testing.T) {
	domains := map[string]bool{}
	for _, r := range suffixRuleList() {
		if strings.HasPrefix(r, "*.") && !isPublicSuffix(r[2:]) {
			domains[r[2:]] = true
		}
		r = strings.TrimPrefix(strings.TrimPrefix(r, "!"), "*.")
		if !strings.Contains(r, ".") {
			continue
		}
		if parent := r[strings.IndexByte(r, '.')+1:]; !isPublicSuffix(parent) {
			domains[parent] = true
		}
	}
	if len(domains) < 50 {
		t.Fatalf("only %d domains with rules below them", len(domains))
	}
	for d := range domains {
		op, reason := ParsePattern("https://*." + d)
		if reason != "" {
			t.Fatalf("https://*.%s: %s", d, reason)
		}
		reason = subdomainReach(op)
		w := namedOrigin(reason)
		if w == "" {
			t.Errorf("https://*.%s: accepted or no origin named (%q); rules lie below it", d, reason)
			continue
		}
		var m Matcher
		m.Add(op, "https://*."+d)
		_, host, _, _ := splitOrigin(w)
		own, _ := publicsuffix.EffectiveTLDPlusOne(d)
		got, err := publicsuffix.EffectiveTLDPlusOne(host)
		if !m.Match(w) || err == nil && got == own {
			t.Errorf("https://*.%s names %s: matched %v, registrable domain %q (the written domain's: %q)", d, w, m.Match(w), got, own)
		}
	}
	for _, d := range []string{"example.com", "mysite.github.io", "city.kawasaki.jp", "mybucket.s3.amazonaws.com", "a.b.uc.r.appspot.com"} {
		op, _ := ParsePattern("https://*." + d)
		if reason := subdomainReach(op); reason != "" {
			t.Errorf("https://*.%s refused: %s", d, reason)
		}
	}
}

// namedOrigin is the origin a refusal names as wrongly allowed, "" if none.
func namedOrigin(reason string) string {
	m := exampleOrigin.FindStringSubmatch(reason)
	if m == nil {
		return ""
	}
	return strings.Trim(m[1], `"`)
}

// foreignHosts picks labels the list does not make exceptions (city is one
// under *.kawasaki.jp), lists sites anyone can create before an exception's
// domain, and every host it names is outside the written domain by x/net.
func TestForeignHosts(t *testing.T) {
	cases := []struct {
		name, domain string
		free         []string
		first, last  string // "" for none
	}{
		{"plain rules below", "amazonaws.com", []string{"x"}, "evil.s3.amazonaws.com", ""},
		{"wildcard rule below", "r.appspot.com", []string{"x"}, "evil.x.r.appspot.com", "evil.x.r.appspot.com"},
		{"wildcard rule at the domain, exception label skipped", "kawasaki.jp", []string{"city", "x"}, "evil.x.kawasaki.jp", "city.kawasaki.jp"},
		{"nothing below", "example.com", []string{"x"}, "", ""},
		{"under an exception", "city.kawasaki.jp", []string{"x"}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hosts := foreignHosts(c.domain, "evil", c.free)
			if c.first == "" {
				if len(hosts) != 0 {
					t.Fatalf("got %v, want none", hosts)
				}
				return
			}
			if len(hosts) == 0 || hosts[0].host != c.first || c.last != "" && hosts[len(hosts)-1].host != c.last {
				t.Fatalf("got %v, want %s first and %s last", hosts, c.first, c.last)
			}
			own, _ := publicsuffix.EffectiveTLDPlusOne(c.domain)
			for _, f := range hosts {
				got, err := publicsuffix.EffectiveTLDPlusOne(f.host)
				if !outside(c.domain, f.host) || err == nil && got == own || !strings.HasSuffix("."+f.host, "."+f.root) {
					t.Errorf("%s (root %s): registrable domain %q, the written domain's %q", f.host, f.root, got, own)
				}
				if f.host != f.root && strings.Contains(f.host, ".city.kawasaki.jp") {
					t.Errorf("%s uses an exception's label as a wildcard's open label", f.host)
				}
			}
		})
	}
}
