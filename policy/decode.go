package policy

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/strictjson"
)

// ParseConfig decodes the plugin configuration strictly: unknown keys, wrong
// types, duplicate keys, trailing garbage, invalid UTF-8 and over-deep nesting
// are errors. Every error found is returned together, as Errors.
func ParseConfig(data []byte) (*Config, error) {
	cfg, errs := parseConfig(data)
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// parseConfig returns what it could decode, even with errors (nil only when
// the JSON itself is unreadable), so Load can validate the rest too.
func parseConfig(data []byte) (*Config, Errors) {
	root, err := strictjson.Decode(data)
	if err != nil {
		return nil, Errors{decodeError(err)}
	}
	m := &mapper{}
	cfg := &Config{}
	m.object(&root, rootLoc, func(key string, v *strictjson.Value, path loc) bool {
		switch key {
		case "policies":
			m.array(v, path, func(e *strictjson.Value, epath loc) {
				cfg.Policies = append(cfg.Policies, PolicyConfig{})
				m.policy(e, epath, &cfg.Policies[len(cfg.Policies)-1])
			})
			if cfg.Policies == nil && v.Kind == strictjson.Array {
				cfg.Policies = []PolicyConfig{}
			}
		case "debug_headers":
			m.bool(v, path, &cfg.DebugHeaders)
		default:
			return false
		}
		return true
	})
	if _, ok := root.Lookup("policies"); !ok && root.Kind == strictjson.Object {
		m.fail(jsonPathKey(rootLoc, "policies"), Missing, "missing: the configuration needs a \"policies\" list")
	}
	return cfg, m.errs
}

// decodeError is the Error for what the JSON decoder refused, located by
// the keys and indexes of its path.
func decodeError(e *strictjson.Error) *Error {
	l := rootLoc
	for _, s := range e.Path {
		if s.IsIndex {
			l = jsonPathIndex(l, s.Index)
		} else {
			l = jsonPathKey(l, s.Key)
		}
	}
	kind := BadSyntax
	switch e.Problem {
	case strictjson.Limit:
		kind = OverLimit
	case strictjson.Duplicate:
		kind = Duplicate
	}
	err := l.at(kind, e.Reason)
	err.Offset = e.Offset
	return err
}

// policyKeys are the keys of a policy object, for "did you mean" hints.
var policyKeys = []string{
	"name", "match", "allow_origins", "allow_origin_regexes", "allow_methods", "allow_headers",
	"expose_headers", "allow_credentials", "max_age", "allow_private_network", "preflight_status",
	"on_rejected_preflight", "on_disallowed_origin", "upstream_cors_headers", "mode",
	"dangerously_allow_null_origin", "dangerously_allow_insecure_origins", "no_cors",
}

func (m *mapper) policy(v *strictjson.Value, path loc, p *PolicyConfig) {
	m.object(v, path, func(key string, v *strictjson.Value, path loc) bool {
		switch key {
		case "name":
			m.string(v, path, &p.Name)
		case "match":
			p.Match = &MatchConfig{}
			m.object(v, path, func(key string, v *strictjson.Value, path loc) bool {
				switch key {
				case "hosts":
					m.strings(v, path, &p.Match.Hosts)
				case "path_prefixes":
					m.strings(v, path, &p.Match.PathPrefixes)
				case "paths":
					m.strings(v, path, &p.Match.Paths)
				default:
					return false
				}
				return true
			})
		case "allow_origins":
			m.strings(v, path, &p.AllowOrigins)
		case "allow_origin_regexes":
			m.strings(v, path, &p.AllowOriginRegexes)
		case "allow_methods":
			m.strings(v, path, &p.AllowMethods)
		case "allow_headers":
			m.strings(v, path, &p.AllowHeaders)
		case "expose_headers":
			m.strings(v, path, &p.ExposeHeaders)
		case "allow_credentials":
			m.bool(v, path, &p.AllowCredentials)
		case "max_age":
			m.int(v, path, &p.MaxAge)
		case "allow_private_network":
			m.bool(v, path, &p.AllowPrivateNetwork)
		case "preflight_status":
			m.int(v, path, &p.PreflightStatus)
		case "on_rejected_preflight":
			m.string(v, path, &p.OnRejectedPreflight)
		case "on_disallowed_origin":
			m.string(v, path, &p.OnDisallowedOrigin)
		case "upstream_cors_headers":
			m.string(v, path, &p.UpstreamCORSHeaders)
		case "mode":
			m.string(v, path, &p.Mode)
		case "dangerously_allow_null_origin":
			m.bool(v, path, &p.DangerouslyAllowNullOrigin)
		case "dangerously_allow_insecure_origins":
			m.bool(v, path, &p.DangerouslyAllowInsecureOrigins)
		case "no_cors":
			m.bool(v, path, &p.NoCORS)
		default:
			return false
		}
		return true
	})
}

// mapper turns decoded JSON into Config values, collecting every type error.
type mapper struct {
	errs Errors
}

func (m *mapper) fail(path loc, k ErrorKind, reason string) {
	m.errs = append(m.errs, path.at(k, reason))
}

func (m *mapper) expect(v *strictjson.Value, path loc, kind strictjson.Kind) bool {
	if v.Kind == kind {
		return true
	}
	m.fail(path, WrongType, "expected "+article(kind)+", found "+article(v.Kind))
	return false
}

func article(k strictjson.Kind) string {
	if k == strictjson.Null {
		return "null"
	}
	if k == strictjson.Array || k == strictjson.Object {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// object calls field for every member; field returns false for an unknown key.
func (m *mapper) object(v *strictjson.Value, path loc, field func(key string, v *strictjson.Value, path loc) bool) {
	if !m.expect(v, path, strictjson.Object) {
		return
	}
	known := knownKeys(path)
	for i := range v.Members {
		mem := &v.Members[i]
		kpath := jsonPathKey(path, mem.Key)
		if !field(mem.Key, &mem.Value, kpath) {
			reason := "unknown key"
			if where := misplaced(mem.Key, path); where != "" {
				reason += ": " + strconv.Quote(mem.Key) + " belongs " + where
			} else if hint := closest(mem.Key, known); hint != "" {
				reason += ` (did you mean "` + hint + `"?)`
			}
			m.fail(kpath, UnknownKey, reason)
		}
	}
}

var (
	rootKeys  = []string{"policies", "debug_headers"}
	matchKeys = []string{"hosts", "path_prefixes", "paths"}
)

// knownKeys returns the keys valid at path, for hints.
func knownKeys(path loc) []string {
	switch {
	case path == rootLoc:
		return rootKeys
	case isMatch(path):
		return matchKeys
	}
	return policyKeys
}

// isMatch reports whether path is a policy's "match" object.
func isMatch(path loc) bool {
	return path.policy >= 0 && path.field == "match" && path.elem < 0 && path.rest == ""
}

// misplaced says where a key unknown at path belongs when it is valid at
// another level (debug_headers inside a policy), "" otherwise.
func misplaced(key string, path loc) string {
	switch {
	case path != rootLoc && slices.Contains(rootKeys, key):
		return `at the top level, next to "policies"`
	case path == rootLoc && slices.Contains(policyKeys, key):
		return `inside a policy, in the "policies" list`
	case isMatch(path) && slices.Contains(policyKeys, key):
		return `in the policy, next to "match"`
	case !isMatch(path) && slices.Contains(matchKeys, key):
		return `inside the policy's "match"`
	}
	return ""
}

func (m *mapper) array(v *strictjson.Value, path loc, elem func(e *strictjson.Value, path loc)) {
	if !m.expect(v, path, strictjson.Array) {
		return
	}
	for i := range v.Elems {
		elem(&v.Elems[i], jsonPathIndex(path, i))
	}
}

func (m *mapper) string(v *strictjson.Value, path loc, dst *string) {
	if m.expect(v, path, strictjson.String) {
		*dst = v.Str
	}
}

func (m *mapper) strings(v *strictjson.Value, path loc, dst *[]string) {
	if !m.expect(v, path, strictjson.Array) {
		return
	}
	out := make([]string, 0, len(v.Elems))
	for i := range v.Elems {
		if m.expect(&v.Elems[i], jsonPathIndex(path, i), strictjson.String) {
			out = append(out, v.Elems[i].Str)
		}
	}
	*dst = out
}

func (m *mapper) bool(v *strictjson.Value, path loc, dst *bool) {
	if m.expect(v, path, strictjson.Bool) {
		*dst = v.Bool
	}
}

// int accepts any JSON number with an integral value (600, 600.0, 6e2):
// control planes that carry the configuration through protobuf's Struct print
// every number as a double. A fraction or a string is refused, saying so.
func (m *mapper) int(v *strictjson.Value, path loc, dst *int) {
	if v.Kind == strictjson.String {
		e := path.at(WrongType, "expected an integer, found a string: write the number without quotes")
		e.Value, e.HasValue = v.Str, true
		m.errs = append(m.errs, e)
		return
	}
	if !m.expect(v, path, strictjson.Number) {
		return
	}
	n, reason := integral(v.Str)
	if reason != "" {
		k := WrongType
		if reason == outOfRange {
			k = OutOfRange
		}
		e := path.at(k, reason)
		e.Value, e.HasValue, e.Number = v.Str, true, true
		m.errs = append(m.errs, e)
		return
	}
	*dst = n
}

// outOfRange is integral's reason for a whole number beyond 32 bits.
const outOfRange = "out of range: expected an integer between -2147483648 and 2147483647"

// integral is the value of a JSON number literal if it is a whole number that
// fits in 32 bits. It works on the decimal digits, not through a float, so
// 600.0000000000000001 is refused and 6e2 is exactly 600.
func integral(lit string) (int, string) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(lit[i+1:], "+"))
		if err != nil || e > 1000 || e < -1000 {
			e = 1001 // far out of range either way; a zero mantissa is still 0
			if strings.HasPrefix(lit[i+1:], "-") {
				e = -1001
			}
		}
		exp = e
	}
	digits := mant
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		digits = mant[:i] + mant[i+1:]
		exp -= len(mant) - i - 1
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, ""
	}
	// The value is digits * 10^exp: drop trailing zeros into the exponent.
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if exp < 0 {
		return 0, "expected an integer, found a fraction"
	}
	if len(digits)+exp > 10 {
		return 0, outOfRange
	}
	n, err := strconv.ParseInt(digits+strings.Repeat("0", exp), 10, 64)
	if neg {
		n = -n
	}
	if err != nil || n < -1<<31 || n > 1<<31-1 {
		return 0, outOfRange
	}
	return int(n), ""
}

// closest returns the known key within edit distance 2 of key, if any.
func closest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, for short keys only.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
