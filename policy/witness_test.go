package policy_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/internal/origins"
)

// refusedOrigin splits an error line `path: "value": reason (it matches
// "origin")...` into the refused value and the origin the reason names.
var refusedOrigin = regexp.MustCompile(`^[^:]*(allow_origins|allow_origin_regexes)\[\d+\]: ("(?:[^"\\]|\\.)*"): .*?(?:\(it matches |, e\.g\. )("(?:[^"\\]|\\.)*")`)

// checkNamedOrigin fails when an error line names an origin its refused
// allow_origins pattern or allow_origin_regexes entry would not match: every
// refusal must show an origin the configuration would wrongly grant.
func checkNamedOrigin(t *testing.T, line string) {
	t.Helper()
	m := refusedOrigin.FindStringSubmatch(line)
	if m == nil {
		return
	}
	value, err1 := strconv.Unquote(m[2])
	origin, err2 := strconv.Unquote(m[3])
	if err1 != nil || err2 != nil {
		t.Errorf("cannot read the value and origin of %s", line)
		return
	}
	var matched bool
	if m[1] == "allow_origins" {
		matched = patternMatches(value, origin)
	} else {
		matched = regexp.MustCompile(value).MatchString(origin)
	}
	if !matched {
		t.Errorf("%q is refused naming %q, which it does not match", value, origin)
	}
}

// patternMatches reports whether the allow_origins entry pattern, in a
// matcher as Compile builds it (without the safety checks that may refuse
// it), matches origin.
func patternMatches(pattern, origin string) bool {
	p, reason := origins.ParsePattern(pattern)
	if reason != "" {
		return false
	}
	var m origins.Matcher
	m.Add(p, pattern)
	return m.Match(origin)
}

// The origin a "*." refusal names is matched by the pattern.
func TestNamedOriginIsMatched(t *testing.T) {
	for _, c := range []struct{ name, line string }{
		{"wildcard", `policies[0].allow_origins[0]: "https://*.amazonaws.com": x (it matches "https://evil.s3.amazonaws.com"): y`},
		{"port", `policies[0].allow_origins[3]: "https://*.amazonaws.com:8443": x (it matches "https://evil.s3.amazonaws.com:8443")`},
		{"regex", `policies[1].allow_origin_regexes[0]: "^https://.*\\.com$": x (it matches "https://evil.com")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.line, "(it matches") || refusedOrigin.FindStringSubmatch(c.line) == nil {
				t.Fatalf("refusedOrigin does not read %s", c.line)
			}
			checkNamedOrigin(t, c.line)
		})
	}
}
