package policy

import (
	"sort"
	"strings"
)

//go:generate go run ../internal/gensuffix -in /usr/share/publicsuffix/public_suffix_list.dat -out suffixes_gen.go

// isPublicSuffix reports whether domain (lowercase punycode, no trailing dot) is
// a public suffix by the rules of the Public Suffix List, both its ICANN and
// private sections: a pattern "https://*.<domain>" would then cover sites run by
// unrelated parties (every .com site, every github.io page). A single label is
// always a public suffix (the list's implicit "*" rule). Runs at configure time only.
func isPublicSuffix(domain string) bool {
	if !strings.Contains(domain, ".") {
		return true
	}
	if hasSuffixRule(domain) {
		return true
	}
	if hasSuffixRule("!" + domain) {
		return false
	}
	parent := domain[strings.IndexByte(domain, '.')+1:]
	return hasSuffixRule("*." + parent)
}

func hasSuffixRule(rule string) bool {
	i := sort.SearchStrings(publicSuffixRules[:], rule)
	return i < len(publicSuffixRules) && publicSuffixRules[i] == rule
}
