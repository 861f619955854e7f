package policy

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// regexRow is one line of testdata/origin_regexes.txt.
type regexRow struct {
	safe, creds bool
	expr, why   string
}

func readRegexTable(t testing.TB) []regexRow {
	t.Helper()
	f, err := os.Open("testdata/origin_regexes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []regexRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 || fields[0] != "safe" && fields[0] != "unsafe" || fields[1] != "creds" && fields[1] != "nocreds" {
			t.Fatalf("origin_regexes.txt:%d: want verdict, credentials, regex, why; got %q", n, line)
		}
		rows = append(rows, regexRow{safe: fields[0] == "safe", creds: fields[1] == "creds", expr: fields[2], why: fields[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// regexConfig is a one-policy configuration allowing only expr.
func regexConfig(expr string, creds bool) string {
	q, _ := json.Marshal(expr)
	c := ""
	if creds {
		c = `,"allow_credentials":true`
	}
	return `{"policies":[{"name":"p","allow_origin_regexes":[` + string(q) + `]` + c + `}]}`
}

// exampleOrigin finds the origin a refusal quotes as wrongly allowed.
var exampleOrigin = regexp.MustCompile(`(?:\(it matches |, e\.g\. )("(?:[^"\\]|\\.)*")`)

// The regex checker's precision on a table of realistic regexes (docs/rules.md R28):
// no safe regex refused, no unsafe one accepted, and every refusal names an
// origin the regex really matches, which the matcher would let through.
func TestOriginRegexTable(t *testing.T) {
	rows := readRegexTable(t)
	if len(rows) < 40 {
		t.Fatalf("the table has %d regexes; keep at least 40", len(rows))
	}
	wrongSafe, wrongUnsafe := 0, 0
	for _, r := range rows {
		_, err := Load([]byte(regexConfig(r.expr, r.creds)))
		switch {
		case r.safe && err != nil:
			wrongSafe++
			t.Errorf("false refusal of safe %q (creds %v, %s): %v", r.expr, r.creds, r.why, err)
		case !r.safe && err == nil:
			wrongUnsafe++
			t.Errorf("missed bypass: unsafe %q (creds %v, %s) accepted", r.expr, r.creds, r.why)
		case err != nil:
			m := exampleOrigin.FindStringSubmatch(err.Error())
			if m == nil && strings.Contains(err.Error(), ": can never match an origin") {
				continue // there is no origin to name
			}
			if m == nil {
				t.Errorf("refusal of %q names no origin: %v", r.expr, err)
				continue
			}
			origin, uerr := strconv.Unquote(m[1])
			re := regexp.MustCompile(r.expr)
			if _, _, _, ok := splitOrigin(origin); uerr != nil || !ok || !re.MatchString(origin) {
				t.Errorf("refusal of %q names %s, which is not a well-formed origin it matches", r.expr, m[1])
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
