package origins

import (
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// probeRegex is the other way to check a regex: probe the
// compiled regex with origins mutated from what it matches and from its own
// literals, and report the first probe it lets through whose registrable
// domain is not one of its samples' (or, with credentials, a plain-http origin
// on a host that is not loopback). It knows nothing of regexcheck.go, so it
// serves as an independent oracle for the syntax-tree checker; "" means no
// probe got through.
func probeRegex(expr string, creds bool) string {
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return ""
	}
	allowed := func(o string) bool {
		_, _, _, ok := splitOrigin(o)
		return ok && len(o) <= MaxOriginBytes && re.MatchString(o)
	}
	legit := map[string]bool{}
	var samples []string
	for _, s := range sampleStrings(tree, 64) {
		if allowed(s) {
			_, host, _, _ := splitOrigin(s)
			legit[registrable(host)] = true
			samples = append(samples, s)
		}
	}
	var probes []string
	for _, s := range samples {
		scheme, host, port, _ := splitOrigin(s)
		p := ""
		if port != "" {
			p = ":" + port
		}
		reg := registrable(host)
		suffix := strings.TrimPrefix(strings.TrimPrefix(reg, firstLabel(reg)), ".")
		hosts := []string{"evil" + reg, "evil-" + reg, host + ".evil.test", host + "x", "evil." + suffix, "evil." + host,
			"evil" + host, strings.Replace(host, firstLabel(host), "evil", 1)}
		for i := 0; i < len(host); i++ {
			if host[i] == '.' {
				hosts = append(hosts, host[:i]+"x"+host[i+1:])
			}
		}
		for _, h := range hosts {
			probes = append(probes, scheme+"://"+h+p, scheme+"://"+h)
		}
		probes = append(probes, "http://"+host+p, "evil"+s, s+".evil.test", s+"0")
	}
	for _, lit := range literals(tree) {
		d := lit[strings.LastIndex(lit, "/")+1:]
		if i := strings.IndexByte(d, ':'); i >= 0 {
			d = d[:i] // a port follows the host
		}
		d = strings.Trim(d, ".")
		// A domain written out in full; or, when the literal's first labels
		// are no host ("0-.example.com", the rest of a label the regex
		// builds), the domain its valid labels end in.
		for h := d; h != ""; h = strings.TrimPrefix(h[len(firstLabel(h)):], ".") {
			if CheckHost(h, false) == "" {
				legit[registrable(h)] = true
				break
			}
		}
		probes = append(probes, "https://evil"+d, "https://evil."+d, "https://"+d+".evil.test", "https://evil"+lit)
	}
	probes = append(probes, "https://evil.test", "http://evil.test", "https://8.8.8.8", "https://attacker.example:8443")
	for _, p := range probes {
		if !allowed(p) {
			continue
		}
		scheme, host, _, _ := splitOrigin(p)
		addr, err := netip.ParseAddr(host)
		if err != nil && isAllDigitsAndDots(host) {
			continue // a numeric host no browser sends (it would write the IPv4 address)
		}
		if creds && scheme == "http" && !isLoopbackHost(host) {
			return p
		}
		if err == nil && (addr.IsPrivate() || addr.IsLoopback()) {
			continue // a private range
		}
		if !legit[registrable(host)] && !strings.HasSuffix(host, ".localhost") {
			return p
		}
	}
	return ""
}

func firstLabel(host string) string {
	if i := strings.IndexByte(host, '.'); i >= 0 {
		return host[:i]
	}
	return host
}

// registrable is the host's registrable domain (public suffix plus one
// label), or the host itself for an IP address or a public suffix.
func registrable(host string) string {
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return host
	}
	labels := strings.Split(host, ".")
	for i := 1; i < len(labels); i++ {
		if isPublicSuffix(strings.Join(labels[i:], ".")) {
			return strings.Join(labels[i-1:], ".")
		}
	}
	return host
}

// sampleStrings returns up to n short strings re matches, one per alternative
// where it can.
func sampleStrings(re *syntax.Regexp, n int) []string {
	switch re.Op {
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			out = append(out, sampleStrings(sub, n)...)
		}
		return out[:min(n, len(out))]
	case syntax.OpCapture:
		return sampleStrings(re.Sub[0], n)
	case syntax.OpQuest, syntax.OpStar:
		return append([]string{""}, sampleStrings(re.Sub[0], n-1)...)
	case syntax.OpPlus:
		return sampleStrings(re.Sub[0], n)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return []string{".", "a"} // an unescaped dot usually means a dot
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			var next []string
			subs := sampleStrings(sub, n)
			for _, a := range out {
				for _, b := range subs {
					if len(next) < n {
						next = append(next, a+b)
					}
				}
			}
			out = next
		}
		return out
	}
	return []string{shortest(re)}
}

// literals are the literal strings of the tree.
func literals(re *syntax.Regexp) []string {
	if re.Op == syntax.OpLiteral {
		return []string{strings.ToLower(string(re.Rune))}
	}
	var out []string
	for _, sub := range re.Sub {
		out = append(out, literals(sub)...)
	}
	return out
}

// The two ways to check a regex, measured on the same table: the syntax-tree
// checker (what Compile uses) and the probes. The figures go to the test log
// (go test ./policy -run TestOriginRegexCheckersCompared -v); the syntax-tree
// checker must make no mistake on the table, the probes are only measured.
func TestOriginRegexCheckersCompared(t *testing.T) {
	rows := readRegexTable(t)
	var treeWrong, probeWrong, probeMissed, probeFalse int
	for _, r := range rows {
		_, reason := checkOriginRegex(r.Expr, r.Creds, false)
		if (reason == "") != r.Safe {
			treeWrong++
			t.Errorf("syntax tree wrong on %q (safe %v): %q", r.Expr, r.Safe, reason)
		}
		w := probeRegex(r.Expr, r.Creds)
		if (w == "") != r.Safe {
			probeWrong++
			if r.Safe {
				probeFalse++
				t.Logf("probes refuse safe %q with %q", r.Expr, w)
			} else {
				probeMissed++
				t.Logf("probes miss %q (%s)", r.Expr, r.Why)
			}
		}
	}
	t.Logf("%d regexes: syntax tree %d wrong; probes %d wrong (%d safe refused, %d unsafe accepted)",
		len(rows), treeWrong, probeWrong, probeFalse, probeMissed)
}

// FuzzOriginRegex checks the syntax-tree checker against the probes: a regex
// it accepts must let no probe through, and a refusal's example must be an
// origin the regex really matches.
func FuzzOriginRegex(f *testing.F) {
	for _, r := range readRegexTable(f) {
		f.Add(r.Expr, r.Creds)
	}
	f.Fuzz(func(t *testing.T, expr string, creds bool) {
		re, reason := checkOriginRegex(expr, creds, false)
		if reason == "" {
			if w := probeRegex(expr, creds); w != "" {
				t.Fatalf("accepted %q (creds %v), which lets %q through", expr, creds, w)
			}
			if re == nil {
				t.Fatalf("accepted %q without a compiled regex", expr)
			}
			return
		}
		if m := exampleOrigin.FindStringSubmatchIndex(reason); m != nil {
			origin := reason[m[2]+1 : m[3]-1]
			if strings.Contains(origin, `\`) || strings.HasPrefix(reason[m[3]:], "...") {
				return // escaped or cut short (Quote): not worth unquoting here
			}
			if !regexp.MustCompile(expr).MatchString(origin) {
				t.Fatalf("refusal of %q names %q, which it does not match", expr, origin)
			}
		}
	})
}
