package origins

import (
	"slices"
	"strings"
)

//go:generate go run ../../../internal/gensuffix -out suffixes_gen.go

// The origin-safety rule. A configured origin (exact, "*." wildcard, ":*"
// port wildcard or regex) may only match hosts whose registrable domain (in
// the Public Suffix List's terms: the public suffix and one label more) is one
// its owner wrote. An exact host matches only itself. A pattern that puts
// labels in front of a written domain D is refused when D is itself a public
// suffix (https://*.com), or when the list has a rule below D: a plain rule
// (s3.amazonaws.com under amazonaws.com), a wildcard rule (*.r.appspot.com,
// and *.kawasaki.jp under kawasaki.jp itself) or an exception rule
// (!city.kawasaki.jp, a registrable domain of its own). foreignHosts names the
// hosts such a refusal shows; outside decides whether a host a pattern really
// matches breaks the rule. Configure time only: nothing here runs per request.

// publicSuffix returns the public suffix of host (lowercase punycode, no
// trailing dot) by the Public Suffix List's algorithm
// (https://github.com/publicsuffix/list/wiki/Format): the longest matching
// rule wins, an exception rule wins over every other and takes one label off,
// and with no match the last label is the suffix (the implicit "*" rule).
func publicSuffix(host string) string {
	ps := host[strings.LastIndexByte(host, '.')+1:]
	key := "" // the labels seen so far, right to left, as suffixRules stores them
	for end := len(host); end > 0; {
		start := strings.LastIndexByte(host[:end], '.') + 1
		parent := key
		if key == "" {
			key = host[start:end]
		} else {
			key += "." + host[start:end]
		}
		if end < len(host) && hasSuffixRule(key+"!") {
			return host[end+1:]
		}
		if hasSuffixRule(key) || parent != "" && hasSuffixRule(parent+".*") {
			ps = host[start:]
		}
		if !hasRulesUnder(key) {
			break // no longer rule can match
		}
		end = start - 1
	}
	return ps
}

// isPublicSuffix reports whether domain is a public suffix, ICANN or private:
// a pattern "https://*.<domain>" would then cover sites run by unrelated
// parties (every .com site, every github.io page). A single label always is.
func isPublicSuffix(domain string) bool { return publicSuffix(domain) == domain }

// registrableDomain is host's public suffix and the label in front of it, ""
// when host is itself a public suffix.
func registrableDomain(host string) string {
	ps := publicSuffix(host)
	if len(ps) == len(host) {
		return ""
	}
	front := host[:len(host)-len(ps)-1]
	return front[strings.LastIndexByte(front, '.')+1:] + "." + ps
}

// outside reports whether host, under domain, belongs to a registrable
// domain other than domain's own (or to none: a public suffix below domain).
// domain must not be a public suffix.
func outside(domain, host string) bool {
	return registrableDomain(host) != registrableDomain(domain)
}

// foreignHost is a host under a written domain that lies outside its
// registrable domain, and the name (root) at or under which every host does.
type foreignHost struct{ host, root string }

// foreignHosts lists hosts under domain that lie outside its registrable
// domain, one or more per rule of the list below domain: site.S under a plain
// rule S (root S); site.L.X under a wildcard rule *.X, for each label L of
// free that the list does not make an exception (root L.X, a public suffix);
// E itself for an exception rule !E (root E, another registrable domain).
// Fewest labels first, exceptions last (their domain has a known owner, such
// as the city of Kawasaki for city.kawasaki.jp). Empty when the list has no
// rule below domain. The caller checks that its pattern matches the host.
func foreignHosts(domain, site string, free []string) []foreignHost {
	var out []foreignHost
	rulesBelow(domain, func(rule string, kind ruleKind) {
		switch kind {
		case exceptionRule:
			out = append(out, foreignHost{rule, rule})
		case wildcardRule:
			for _, l := range free {
				if root := l + "." + rule; !hasSuffixRule(reverseLabels(root) + "!") {
					out = append(out, foreignHost{site + "." + root, root})
				}
			}
		default:
			out = append(out, foreignHost{site + "." + rule, rule})
		}
	})
	rank := func(f foreignHost) int {
		if f.host == f.root {
			return 1 << 10
		}
		return strings.Count(f.host, ".")
	}
	slices.SortStableFunc(out, func(a, b foreignHost) int { return rank(a) - rank(b) })
	return out
}

// ruleKind is the kind of a rule of the list: S, *.S or !S.
type ruleKind uint8

const (
	plainRule ruleKind = iota
	wildcardRule
	exceptionRule
)

// rulesBelow calls visit for every rule of the list strictly below domain,
// with the rule's domain written left to right (without "*." or "!") and its
// kind, in the table's order.
func rulesBelow(domain string, visit func(rule string, kind ruleKind)) {
	prefix := reverseLabels(domain) + "."
	for i := ruleIndex(prefix); i < len(suffixRules); {
		key, next := suffixRuleAt(i)
		if !strings.HasPrefix(key, prefix) {
			return
		}
		i = next
		switch {
		case strings.HasSuffix(key, "!"):
			visit(reverseLabels(key[:len(key)-1]), exceptionRule)
		case strings.HasSuffix(key, ".*"):
			visit(reverseLabels(key[:len(key)-2]), wildcardRule)
		default:
			visit(reverseLabels(key), plainRule)
		}
	}
}

// reverseLabels turns a.b.c into c.b.a (and back).
func reverseLabels(domain string) string {
	var b strings.Builder
	b.Grow(len(domain))
	for end := len(domain); end >= 0; {
		start := strings.LastIndexByte(domain[:end], '.') + 1
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(domain[start:end])
		end = start - 1
	}
	return b.String()
}

// hasSuffixRule reports whether suffixRules holds the line key.
func hasSuffixRule(key string) bool {
	i := ruleIndex(key)
	got, _ := suffixRuleAt(i)
	return i < len(suffixRules) && got == key
}

// hasRulesUnder reports whether some rule lies below the reversed domain key.
func hasRulesUnder(key string) bool {
	got, _ := suffixRuleAt(ruleIndex(key + "."))
	return strings.HasPrefix(got, key+".")
}

// ruleIndex is the byte offset in suffixRules of the first line not below
// key in byte order, len(suffixRules) when there is none: a binary search over
// the lines, each found from a byte in the middle of the range.
func ruleIndex(key string) int {
	lo, hi := 0, len(suffixRules) // both at the start of a line (or the end)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(suffixRules[lo:mid], '\n') + 1 + lo
		line, next := suffixRuleAt(start)
		if line < key {
			lo = next
		} else {
			hi = start
		}
	}
	return lo
}

// suffixRuleAt returns the line starting at byte i of suffixRules and where
// the next one starts ("" past the end).
func suffixRuleAt(i int) (line string, next int) {
	if i >= len(suffixRules) {
		return "", len(suffixRules)
	}
	n := strings.IndexByte(suffixRules[i:], '\n')
	return suffixRules[i : i+n], i + n + 1
}
