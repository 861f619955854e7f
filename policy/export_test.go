package policy

import "testing"

// RegexTableConfigs is one configuration per row of testdata/origin_regexes.txt,
// for the external test package's fuzz seeds.
func RegexTableConfigs(t testing.TB) []string {
	var out []string
	for _, r := range readRegexTable(t) {
		out = append(out, regexConfig(r.expr, r.creds))
	}
	return out
}
