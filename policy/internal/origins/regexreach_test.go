package origins

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// The exhaustive search over every registrable domain of the list that has
// rules below it: a regex for any subdomain of it must be found to reach a
// host outside it, and the origin it names must really be matched and lie,
// by x/net's own copy of the list, in another registrable domain. A regex for
// hosts under one site of it must not.
func TestForeignMatchEveryDomainWithRulesBelow(t *testing.T) {
	domains := map[string]bool{}
	for i := 0; i < len(suffixRules); {
		key, next := suffixRuleAt(i)
		i = next
		host := reverseLabels(strings.TrimSuffix(strings.TrimSuffix(key, "!"), ".*"))
		for d := host; strings.Contains(d, "."); {
			d = d[strings.IndexByte(d, '.')+1:]
			if !isPublicSuffix(d) && d != host {
				domains[d] = true
			}
		}
	}
	if len(domains) < 50 {
		t.Fatalf("only %d domains with rules below them: is the table read right?", len(domains))
	}
	for d := range domains {
		expr := `^https://([a-z0-9-]+\.)+` + regexp.QuoteMeta(d) + `$`
		w := searchForeign(t, expr, d)
		if w == "" {
			t.Errorf("%s: no foreign host found under %s", expr, d)
			continue
		}
		re := regexp.MustCompile(expr)
		host := strings.TrimPrefix(w, "https://")
		mine, _ := publicsuffix.EffectiveTLDPlusOne(d)
		theirs, err := publicsuffix.EffectiveTLDPlusOne(host)
		if !re.MatchString(w) || err == nil && theirs == mine {
			t.Errorf("%s: witness %q is not matched or not foreign (x/net: %q, err %v)", expr, w, theirs, err)
		}
		own := `^https://([a-z0-9-]+\.)*mysite0\.` + regexp.QuoteMeta(d) + `$`
		if isPublicSuffix("mysite0."+d) || hasRulesUnder(reverseLabels("mysite0."+d)) {
			continue
		}
		if w := searchForeign(t, own, d); w != "" {
			t.Errorf("%s: %q found, but every host is under mysite0.%s", own, w, d)
		}
	}
}

func searchForeign(t *testing.T, expr, domain string) string {
	t.Helper()
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		t.Fatal(err)
	}
	budget := 1 << 30
	trie := newReachTrie(domain)
	if len(trie.next[0]) == 0 {
		return ""
	}
	return shortestMatch(newReachProg(prog), trie, &budget)
}
