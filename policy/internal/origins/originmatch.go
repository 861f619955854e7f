package origins

import (
	"regexp"

	"github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"
)

// originKey indexes the patterns that are not plain exact origins: "*."
// subdomain patterns and ":*" any-port patterns. A struct of strings as a map
// key lets the request path look patterns up with substrings of the Origin,
// without building a key (no allocation).
type originKey struct {
	scheme, host, port string
	sub                bool
}

// Matcher is the compiled allow_origins + allow_origin_regexes of a policy.
// Matching never scans a long list: exact origins by hash, patterns by
// label-wise suffix lookups bounded by the configured suffix depths (or, for a
// handful of patterns, compared in place), regexes last.
type Matcher struct {
	exact       stringSet
	patterns    map[originKey]struct{}
	patternList []originKey // the same patterns while there are at most bytecmp.SmallSet
	// subDepths has bit k set when some "*." pattern's suffix has k labels, so a
	// long hostile host costs at most one lookup pair per configured depth.
	subDepths uint64
	maxDepth  int
	regexes   []*regexp.Regexp
}

// Add records a pattern ParsePattern accepted; raw is the pattern as written
// (an exact origin is matched byte for byte against it). The zero Pattern with
// raw "null" records the "null" origin.
func (m *Matcher) Add(p Pattern, raw string) {
	if !p.sub && p.port != anyPort {
		m.exact.add(raw)
		return
	}
	if m.patterns == nil {
		m.patterns = make(map[originKey]struct{})
	}
	key := originKey{p.scheme, p.host, p.port, p.sub}
	if _, dup := m.patterns[key]; dup {
		return
	}
	m.patterns[key] = struct{}{}
	m.patternList = append(m.patternList, key)
	if len(m.patterns) > bytecmp.SmallSet {
		m.patternList = nil
	}
	if p.sub {
		depth := 1
		for i := 0; i < len(p.host); i++ {
			if p.host[i] == '.' {
				depth++
			}
		}
		if depth < 64 {
			m.subDepths |= 1 << depth
		}
		if depth > m.maxDepth {
			m.maxDepth = depth
		}
	}
}

// AddRegex records a regex VerifyRegex accepted.
func (m *Matcher) AddRegex(re *regexp.Regexp) { m.regexes = append(m.regexes, re) }

// Match reports whether origin (as sent, byte-exact) is allowed: it is
// MatchExact or MatchInexact, which the request path calls apart so that the
// common case, a listed origin, costs one hash lookup.
func (m *Matcher) Match(origin string) bool {
	return m.MatchExact(origin) || m.MatchInexact(origin)
}

// MatchExact reports whether origin is one of the exact origins.
func (m *Matcher) MatchExact(origin string) bool { return m.exact.has(origin) }

// MatchInexact reports whether origin matches a pattern or a regex.
func (m *Matcher) MatchInexact(origin string) bool {
	if len(m.patterns) > 0 && m.matchPattern(origin) {
		return true
	}
	// Regexes see only well-formed origins: a comma-joined or padded value
	// ("https://evil.test, https://a.example.com") must not slip through a
	// pattern such as ^https://.*\.example\.com$.
	if len(m.regexes) == 0 {
		return false
	}
	if _, _, _, ok := splitOrigin(origin); !ok {
		return false
	}
	for _, re := range m.regexes {
		if re.MatchString(origin) {
			return true
		}
	}
	return false
}

func (m *Matcher) matchPattern(origin string) bool {
	scheme, host, port, ok := splitOrigin(origin)
	if !ok {
		return false
	}
	if m.patternList != nil {
		// Few patterns: comparing in place costs no call in the wasm guest,
		// a lookup with a struct key a dozen (hashing each field).
		for _, k := range m.patternList {
			if k.matches(scheme, host, port, m.subDepths) {
				return true
			}
		}
		return false
	}
	if _, ok := m.patterns[originKey{scheme, host, anyPort, false}]; ok {
		return true
	}
	if m.subDepths == 0 {
		return false
	}
	// Walk the host's label-boundary suffixes from the right. Only whole labels
	// are compared, so "barfoo.com" never matches a pattern for "*.foo.com".
	depth := 0
	for i := len(host) - 1; i > 0 && depth < m.maxDepth; i-- {
		if host[i] != '.' {
			continue
		}
		depth++
		if m.subDepths&(1<<depth) == 0 {
			continue
		}
		suffix := host[i+1:]
		if _, ok := m.patterns[originKey{scheme, suffix, port, true}]; ok {
			return true
		}
		if _, ok := m.patterns[originKey{scheme, suffix, anyPort, true}]; ok {
			return true
		}
	}
	return false
}

// matches reports whether an origin split by splitOrigin fits the pattern k,
// as the lookups of matchPattern decide it: a "*." pattern fits hosts with
// one or more labels in front of its suffix, at a configured depth.
func (k originKey) matches(scheme, host, port string, subDepths uint64) bool {
	if !bytecmp.Equal(k.scheme, scheme) || k.port != anyPort && !bytecmp.Equal(k.port, port) {
		return false
	}
	if !k.sub {
		return bytecmp.Equal(k.host, host)
	}
	n := len(host) - len(k.host) // where the suffix starts, after a '.'
	if n < 2 || host[n-1] != '.' || !bytecmp.Equal(host[n:], k.host) {
		return false
	}
	depth := 1
	for i := 0; i < len(k.host); i++ {
		if k.host[i] == '.' {
			depth++
		}
	}
	return depth < 64 && subDepths&(1<<depth) != 0
}

// splitOrigin splits a serialized origin "scheme://host[:port]" for pattern
// matching. It accepts only what a browser would send (lowercase letters,
// digits, '-', '.', IPv6 in brackets, a decimal port), so patterns never match
// a malformed or "cleaned" value; exact matching does not need it.
func splitOrigin(origin string) (scheme, host, port string, ok bool) {
	i := 0
	for i < len(origin) && origin[i] != ':' {
		c := origin[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", "", "", false
		}
		i++
	}
	if i == 0 || len(origin) < i+3 || origin[i+1] != '/' || origin[i+2] != '/' {
		return "", "", "", false
	}
	scheme, rest := origin[:i], origin[i+3:]
	end := len(rest)
	if len(rest) > 0 && rest[0] == '[' {
		j := 1
		for j < len(rest) && rest[j] != ']' {
			c := rest[j]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.') {
				return "", "", "", false
			}
			j++
		}
		if j == len(rest) {
			return "", "", "", false
		}
		end = j + 1
	} else {
		for j := 0; j < len(rest); j++ {
			c := rest[j]
			if c == ':' {
				end = j
				break
			}
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
				return "", "", "", false
			}
			if c == '.' && (j == 0 || rest[j-1] == '.') {
				return "", "", "", false
			}
		}
	}
	host = rest[:end]
	if host == "" || host[len(host)-1] == '.' {
		return "", "", "", false
	}
	if end < len(rest) {
		if rest[end] != ':' || end+1 == len(rest) {
			return "", "", "", false
		}
		port = rest[end+1:]
		if !validPort(port) {
			return "", "", "", false
		}
	}
	return scheme, host, port, true
}

// validPort reports whether port is how a browser serializes a port: decimal,
// 1 to 65535, no leading zero (URL Standard, port state). A ":*" pattern or a
// regex must not match a value no browser sends, nor echo it back.
func validPort(port string) bool {
	if len(port) == 0 || len(port) > 5 || port[0] == '0' {
		return false
	}
	n := 0
	for j := 0; j < len(port); j++ {
		if port[j] < '0' || port[j] > '9' {
			return false
		}
		n = n*10 + int(port[j]-'0')
	}
	return n <= 65535
}
