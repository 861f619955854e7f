package policy

// OriginPatternMatches reports whether the allow_origins entry pattern,
// compiled into a matcher as Compile would (without the safety checks that
// may refuse it), matches origin. Tests use it to check that the origin a
// refusal names is one the refused pattern really matches.
func OriginPatternMatches(pattern, origin string) bool {
	op, reason := parseOriginPattern(pattern)
	if reason != "" {
		return false
	}
	var m originMatcher
	m.add(op, pattern)
	return m.match(origin)
}
