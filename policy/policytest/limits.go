package policytest

import (
	"strconv"
	"strings"
)

// LimitConfig is one documented configuration limit, as a configuration
// exactly at the limit (accepted) and one just past it (refused with Want in
// the error). The policy tests load both, the end-to-end tests configure the
// .wasm with both (every limit at the limit and one past it).
type LimitConfig struct {
	Name       string
	AtLimit    string
	PastLimit  string
	WantRefuse string // a part of the error for PastLimit
}

// The limits README documents, written out rather than taken from the policy
// package's constants, so that changing a constant fails a test.
const (
	DocMaxPolicies    = 1000
	DocMaxOrigins     = 100000
	DocMaxRegexes     = 100
	DocMaxRegexBytes  = 1000
	DocMaxNameBytes   = 64
	DocMaxListedNames = 100
	DocMaxOriginBytes = 1024
	DocMaxMethodBytes = 64
	DocMaxACRHBytes   = 4096
	DocMaxACRHNames   = 64
	DocMaxACRHCommas  = 128
)

// LimitConfigs are the configuration limits of README's reference.
var LimitConfigs = []LimitConfig{
	{"policies", nPolicies(DocMaxPolicies), nPolicies(DocMaxPolicies + 1),
		"policies: more than 1000 policies"},
	{"origins per policy", nOrigins(DocMaxOrigins), nOrigins(DocMaxOrigins + 1),
		"policies[0].allow_origins: more than 100000 origins"},
	{"regexes per policy", nRegexes(DocMaxRegexes), nRegexes(DocMaxRegexes + 1),
		"policies[0].allow_origin_regexes: more than 100 regexes"},
	{"regex bytes", regexOfLen(DocMaxRegexBytes), regexOfLen(DocMaxRegexBytes + 1),
		"(1001 bytes): longer than 1000 bytes"},
	{"policy name bytes", nameOfLen(DocMaxNameBytes), nameOfLen(DocMaxNameBytes + 1),
		"policies[0].name: \"" + strings.Repeat("n", DocMaxNameBytes+1) + "\": longer than 64 bytes"},
	{"listed methods", nMethods(DocMaxListedNames), nMethods(DocMaxListedNames + 1),
		"policies[0].allow_methods: more than 100 entries"},
}

func nPolicies(n int) string {
	var b strings.Builder
	b.WriteString(`{"policies":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"p` + strconv.Itoa(i) + `","match":{"path_prefixes":["/p` + strconv.Itoa(i) + `/"]},"allow_origins":["https://app.example.com"]}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

func onePolicy(members string) string { return `{"policies":[{"name":"lim",` + members + `}]}` }

func nOrigins(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"https://o` + strconv.Itoa(i) + `.example.com"`)
	}
	return onePolicy(`"allow_origins":[` + b.String() + `]`)
}

func nRegexes(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"^https://r` + strconv.Itoa(i) + `\\.example\\.com$"`)
	}
	return onePolicy(`"allow_origin_regexes":[` + b.String() + `]`)
}

// regexOfLen is a regex of exactly n bytes (as the plugin sees it, after JSON
// unescaping) that the regex checker accepts.
func regexOfLen(n int) string {
	const head, tail = `^https://`, `\.example\.com$`
	label := strings.Repeat("a", n-len(head)-len(tail))
	return onePolicy(`"allow_origin_regexes":["` + head + label + strings.ReplaceAll(tail, `\`, `\\`) + `"]`)
}

func nameOfLen(n int) string {
	return `{"policies":[{"name":"` + strings.Repeat("n", n) + `","allow_origins":["https://app.example.com"]}]}`
}

func nMethods(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"M` + strconv.Itoa(i) + `"`)
	}
	return onePolicy(`"allow_origins":["https://app.example.com"],"allow_methods":[` + b.String() + `]`)
}

// hostOfLen is a host of exactly n bytes ending in suffix, in labels of at
// most 32 bytes, for Origin values at the length limit (n-len(suffix) >= 2).
func hostOfLen(n int, suffix string) string {
	var b strings.Builder
	for n-len(suffix)-b.Len() >= 34 {
		b.WriteString(strings.Repeat("a", 31) + ".")
	}
	b.WriteString(strings.Repeat("b", n-len(suffix)-b.Len()-1) + ".")
	return b.String() + suffix
}
