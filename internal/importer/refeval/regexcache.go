package refeval

import (
	"regexp"
	"sync"
)

var (
	regexMu    sync.Mutex
	regexCache = map[string]*regexp.Regexp{}
)

// fullMatch reports whether the RE2 expr matches all of s; expressions
// are compiled once (the evaluators run them on every request).
func fullMatch(expr, s string) bool {
	regexMu.Lock()
	re, ok := regexCache[expr]
	if !ok {
		if len(regexCache) > 10000 {
			regexCache = map[string]*regexp.Regexp{} // a fuzzer's regexes are mostly new
		}
		re, _ = regexp.Compile("^(?:" + expr + ")$")
		regexCache[expr] = re
	}
	regexMu.Unlock()
	return re != nil && re.MatchString(s)
}
