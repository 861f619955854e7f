package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/internal/origins"
	"github.com/cors-wasm/cors-wasm/policy/internal/regextable"
)

// regexesConfig is one policy per group of at most MaxRegexes regexes.
func regexesConfig(exprs []string, creds bool) string {
	var ps []string
	for i := 0; i < len(exprs); i += MaxRegexes {
		q, _ := json.Marshal(exprs[i:min(i+MaxRegexes, len(exprs))])
		c := ""
		if creds {
			c = `,"allow_credentials":true`
		}
		ps = append(ps, `{"name":"p`+strconv.Itoa(i)+`","match":{"path_prefixes":["/p`+strconv.Itoa(i)+`/"]},"allow_origin_regexes":`+string(q)+c+`}`)
	}
	return `{"policies":[` + strings.Join(ps, ",") + `]}`
}

func repeated(expr string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = expr
	}
	return out
}

// loadCounted is Load, also returning the work units verification spent.
func loadCounted(t *testing.T, data string) (int, error) {
	t.Helper()
	cfg, errs := parseConfig([]byte(data))
	if cfg == nil || len(errs) > 0 {
		t.Fatalf("does not decode: %v", errs)
	}
	_, used, err := compile(cfg)
	return used, err
}

// exampleOrigin finds the origin a refusal quotes as wrongly allowed.
var exampleOrigin = regexp.MustCompile(`(?:\(it matches |, e\.g\. )("(?:[^"\\]|\\.)*")`)

// isOrigin reports whether s is one well-formed origin, as allow_origins
// takes it: it parses, and matches itself as an exact origin.
func isOrigin(s string) bool {
	p, reason := origins.ParsePattern(s)
	if reason != "" {
		return false
	}
	var m origins.Matcher
	m.Add(p, s)
	return m.MatchExact(s)
}

// The work budget: configurations whose verification would stall configure
// are refused as too complex to verify, naming the regex (or the policy) where
// the work ran out and what to do; nothing after it is verified.
func TestWorkBudgetRefuses(t *testing.T) {
	scan5 := `^https://[a-z]+\.` + strings.Repeat("(ab|cd)", 5) + `\.x0\.amazonaws\.com$`
	origins := make([]string, MaxOrigins)
	for i := range origins {
		origins[i] = "https://o" + strconv.Itoa(i) + ".example.com"
	}
	q, _ := json.Marshal(origins)
	q2, _ := json.Marshal(origins[:4000])
	for _, c := range []struct {
		name, config string
		wantPath     string // the one error's path
		want         []string
	}{
		{"100 copies of a 101-byte regex of 512 cases under amazonaws.com",
			regexesConfig(repeated(`^https://[a-z]+\.`+strings.Repeat("(ab|cd)", 9)+`\.x0\.amazonaws\.com$`, MaxRegexes), false),
			"", []string{"too complex to verify: the configuration's regexes together need more than 220000000 work units"}},
		{"512 cases, each trying the hundreds of public suffixes under amazonaws.com",
			regexesConfig([]string{"^https://" + strings.Repeat("(ab|cd)", 9) + `[a-z]+\.amazonaws\.com$`}, false),
			"policies[0].allow_origin_regexes[0]", []string{"too complex to verify (its check needs more than 30000000 work units", "split it"}},
		{"a 200,000-instruction program, refused before it is compiled",
			regexesConfig([]string{`^https://` + strings.Repeat(`[a-z]{1,1000}`, 70) + `\.example\.com$`}, false),
			"policies[0].allow_origin_regexes[0]", []string{"too complex to verify"}},
		{"Unicode tables, refused before they are parsed",
			regexesConfig([]string{`^https://[` + strings.Repeat(`\pL`, 300) + `]+\.example\.com$`}, false),
			"policies[0].allow_origin_regexes[0]", []string{"too complex to verify"}},
		{"regexes each within their budget, too many together",
			regexesConfig(repeated(scan5, 3*MaxRegexes), false),
			"", []string{"the configuration's regexes together need more than 220000000 work units", "use fewer or simpler regexes"}},
		{"100,000 origins in one policy and 4,000 in another",
			`{"policies":[{"name":"a","match":{"path_prefixes":["/a/"]},"allow_origins":` + string(q) + `},` +
				`{"name":"b","allow_origins":` + string(q2) + `}]}`,
			"policies[1]", []string{"the configuration is too large to verify", "(4000 origins, methods"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			used, err := loadCounted(t, c.config)
			errs, _ := err.(Errors)
			if len(errs) != 1 {
				t.Fatalf("want exactly one error, got %d (%d units): %.600v", len(errs), used, err)
			}
			e := errs[0]
			if c.wantPath != "" && e.Path() != c.wantPath {
				t.Errorf("error at %s, want %s: %v", e.Path(), c.wantPath, e)
			}
			for _, w := range c.want {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("error %q does not say %q", e.Error(), w)
				}
			}
			if used > MaxConfigWork+MaxRegexWork {
				t.Errorf("spent %d units, far past the budget of %d", used, MaxConfigWork)
			}
		})
	}
}

// When the configuration's budget runs out, the regex where it did is named,
// the ones before it were checked in full, and the ones after it are not
// checked at all (their problems are not listed, and cost nothing).
func TestWorkBudgetRunsOutAtOneRegex(t *testing.T) {
	scan5 := `^https://[a-z]+\.` + strings.Repeat("(ab|cd)", 5) + `\.x0\.amazonaws\.com$`
	left := MaxConfigWork
	origins.VerifyRegex(scan5, false, false, &left)
	each := MaxConfigWork - left
	exprs := repeated(scan5, 3*MaxRegexes)
	exprs[len(exprs)-1] = `^https://.*$` // unsafe, but never reached
	_, err := loadCounted(t, regexesConfig(exprs, false))
	errs, _ := err.(Errors)
	if len(errs) != 1 {
		t.Fatalf("want one error, got %d: %.600v", len(errs), err)
	}
	k := MaxConfigWork/each - MaxConfigWork/each/MaxRegexes*MaxRegexes // index in its policy
	want := "policies[" + strconv.Itoa(MaxConfigWork/each/MaxRegexes) + "].allow_origin_regexes[" + strconv.Itoa(k) + "]"
	if errs[0].Path() != want {
		t.Errorf("refused at %s, want %s (each regex costs %d units)", errs[0].Path(), want, each)
	}
}

// One regex with several problems lists every one of them in one run, each
// with an origin the regex matches, instead of one per check.
func TestRegexAllProblems(t *testing.T) {
	for _, c := range []struct {
		name, expr string
		creds      bool
		want       []string // a part of each reason, in order
	}{
		{"unanchored, unescaped dot, open in front", `https://.*example.com`, false,
			[]string{"must be anchored", `unescaped "."`, `matches any host ending in "example.com"`}},
		{"unescaped dot, open in front, plain http with credentials", `^http://.*example.com$`, true,
			[]string{`unescaped "."`, `matches any host ending in "example.com"`, "plain-http origins with allow_credentials"}},
		{"open alternation and an unescaped dot", `^https://app.example\.com|https://example\.org$`, false,
			[]string{"each alternative must be anchored", `unescaped "."`}},
		{"no $, and over a public suffix", `^https://.*\.github\.io`, false,
			[]string{"must be anchored", `spreads over the public suffix "github.io"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load([]byte(regextable.Config(c.expr, c.creds)))
			errs, _ := err.(Errors)
			if len(errs) != len(c.want) {
				t.Fatalf("want %d problems, got %d: %v", len(c.want), len(errs), err)
			}
			re := regexp.MustCompile(c.expr)
			for i, e := range errs {
				if e.Path() != "policies[0].allow_origin_regexes[0]" || !strings.Contains(e.Reason, c.want[i]) {
					t.Errorf("problem %d: %v, want %q at policies[0].allow_origin_regexes[0]", i, e, c.want[i])
				}
				m := exampleOrigin.FindStringSubmatch(e.Reason)
				if m == nil {
					t.Errorf("problem %d names no origin: %v", i, e)
					continue
				}
				w, _ := strconv.Unquote(m[1])
				if !isOrigin(w) || !re.MatchString(w) {
					t.Errorf("problem %d names %s, which is not an origin the regex matches", i, m[1])
				}
			}
		})
	}
}

// Realistic configurations stay well within the budget: the regex table, the
// shipped examples, 100 realistic regexes in one policy, 100 regexes of 1000
// bytes, and every documented limit at the limit (TestConfigLimits). The
// figures go to the test log (go test ./policy -run TestRealisticWork -v).
func TestRealisticWorkWithinBudget(t *testing.T) {
	var safe []string
	rows, err := regextable.Rows()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Safe {
			safe = append(safe, r.Expr)
		}
	}
	var hosts []string
	for i := 0; len(strings.Join(hosts, "|")) < 960; i++ {
		hosts = append(hosts, "tenant"+strconv.Itoa(i))
	}
	long := `^https://(` + strings.Join(hosts, "|") + `)\.example\.com$`
	if len(long) > MaxRegexBytes || len(long) < MaxRegexBytes-20 {
		t.Fatalf("the long regex has %d bytes", len(long))
	}
	cycled := make([]string, MaxRegexes)
	for i := range cycled {
		cycled[i] = safe[i%len(safe)]
	}
	configs := map[string]string{
		"every safe regex of the table, one policy each 100": regexesConfig(safe, false),
		"100 regexes of the table in one policy":             regexesConfig(cycled, false),
		"100 regexes of 1000 bytes (60 hosts each)":          regexesConfig(repeated(long, MaxRegexes), false),
	}
	examples, _ := filepath.Glob("../examples/*.json")
	if len(examples) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range examples {
		if strings.HasSuffix(f, ".test.json") {
			continue // expected decisions for corsctl test, not a configuration
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		configs[f] = string(data)
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			used, err := loadCounted(t, config)
			if err != nil {
				t.Fatalf("refused: %.300v", err)
			}
			t.Logf("%d work units, %.1f%% of the budget", used, 100*float64(used)/MaxConfigWork)
			if used > MaxConfigWork/2 {
				t.Errorf("uses %d units, more than half the budget of %d", used, MaxConfigWork)
			}
		})
	}
}
