package origins

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/internal/regextable"
)

// readRegexTable is the table of realistic regexes and their verdicts.
func readRegexTable(t testing.TB) []regextable.Row {
	t.Helper()
	rows, err := regextable.Rows()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// exampleOrigin finds the origin a refusal quotes as wrongly allowed.
var exampleOrigin = regexp.MustCompile(`(?:\(it matches |, e\.g\. )("(?:[^"\\]|\\.)*")`)

// The regex checker's precision on a table of realistic regexes (docs/rules.md R28), the checker as Compile calls it:
// no safe regex refused, no unsafe one accepted, and every refusal names an
// origin the regex really matches, which the matcher would let through.
func TestOriginRegexTable(t *testing.T) {
	rows := readRegexTable(t)
	if len(rows) < 40 {
		t.Fatalf("the table has %d regexes; keep at least 40", len(rows))
	}
	wrongSafe, wrongUnsafe := 0, 0
	for _, r := range rows {
		left := MaxConfigWork
		_, reasons := VerifyRegex(r.Expr, r.Creds, false, &left)
		refusal := strings.Join(reasons, "\n")
		switch {
		case r.Safe && refusal != "":
			wrongSafe++
			t.Errorf("false refusal of safe %q (creds %v, %s): %s", r.Expr, r.Creds, r.Why, refusal)
		case !r.Safe && refusal == "":
			wrongUnsafe++
			t.Errorf("missed bypass: unsafe %q (creds %v, %s) accepted", r.Expr, r.Creds, r.Why)
		case refusal != "":
			m := exampleOrigin.FindStringSubmatch(refusal)
			if m == nil && strings.Contains(refusal, "can never match an origin") {
				continue // there is no origin to name
			}
			if m == nil {
				t.Errorf("refusal of %q names no origin: %s", r.Expr, refusal)
				continue
			}
			origin, uerr := strconv.Unquote(m[1])
			re := regexp.MustCompile(r.Expr)
			if _, _, _, ok := splitOrigin(origin); uerr != nil || !ok || !re.MatchString(origin) {
				t.Errorf("refusal of %q names %s, which is not a well-formed origin it matches", r.Expr, m[1])
			}
		}
	}
	t.Logf("%d regexes: %d decided wrongly (%d safe refused, %d unsafe accepted)", len(rows), wrongSafe+wrongUnsafe, wrongSafe, wrongUnsafe)
}

// Regexes crafted to make the checker's work explode are refused as too
// complex (configure time stays bounded), never accepted unchecked.
func TestOriginRegexTooComplex(t *testing.T) {
	for _, expr := range []string{
		"^https://" + strings.Repeat("(ab|cd)", 10) + `\.example\.com$`,
		"^https://" + strings.Repeat("(ab|cd)", 9) + strings.Repeat("x", 800) + `[a-z]+\.amazonaws\.com$`,
		"^https://" + strings.Repeat("(ab|cd)", 9) + `[a-z]+\.amazonaws\.com$`,
	} {
		if _, reason := checkOriginRegex(expr, false, false); !strings.HasPrefix(reason, "too complex to verify") {
			t.Errorf("%.80s...: %q, want too complex", expr, reason)
		}
	}
}
