// Package regextable is the table of realistic allow_origin_regexes entries
// and the verdict the origin-regex checker must reach on each, for tests: the
// checker's own table test, the configuration budget tests and the fuzz seeds
// of Load all read it from here.
package regextable

import (
	_ "embed"
	"encoding/json"
	"strconv"
	"strings"
)

//go:embed origin_regexes.txt
var table string

// Row is one line of origin_regexes.txt.
type Row struct {
	Safe  bool   // the checker must accept Expr
	Creds bool   // in a policy with allow_credentials
	Expr  string // the regex as written in the configuration (JSON-unescaped)
	Why   string // what the row shows
}

// Rows returns every row, or an error naming the first malformed line.
func Rows() ([]Row, error) {
	var rows []Row
	for n, line := range strings.Split(table, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] != "safe" && f[0] != "unsafe" || f[1] != "creds" && f[1] != "nocreds" {
			return nil, &lineError{n + 1, line}
		}
		rows = append(rows, Row{Safe: f[0] == "safe", Creds: f[1] == "creds", Expr: f[2], Why: f[3]})
	}
	return rows, nil
}

type lineError struct {
	n    int
	line string
}

func (e *lineError) Error() string {
	return "origin_regexes.txt:" + strconv.Itoa(e.n) + ": want verdict, credentials, regex, why; got " + strconv.Quote(e.line)
}

// Config is a one-policy configuration allowing only expr.
func Config(expr string, creds bool) string {
	q, _ := json.Marshal(expr)
	c := ""
	if creds {
		c = `,"allow_credentials":true`
	}
	return `{"policies":[{"name":"p","allow_origin_regexes":[` + string(q) + `]` + c + `}]}`
}
