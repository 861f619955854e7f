package policy

import (
	"strconv"
	"strings"
)

// Error is one problem found in a configuration: where it is (a JSON path such
// as `policies[1].allow_origins[0]`), the offending value (escaped, possibly
// shortened) and why it is refused.
type Error struct {
	Path   string // JSON path, "(root)" for the document itself
	Value  string // the offending value as written in the config; empty when HasValue is false
	Reason string
	// HasValue says whether Value is meaningful (an empty string can be the offending value).
	HasValue bool
	// Number says Value is a number (as written in the JSON), shown unquoted:
	// a quoted 600 would read as the string "600".
	Number bool
}

// Error renders `path: "value": reason`, or `path: reason` when there is no value.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	if e.HasValue {
		if e.Number && isNumberText(e.Value) {
			b.WriteString(e.Value)
		} else {
			b.WriteString(Quote(e.Value))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Errors is every problem found in one configuration, in document order.
type Errors []*Error

// Error joins the errors one per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// maxQuoted bounds how much of an offending value an error message repeats, so a
// hostile or huge value cannot flood a log line.
const maxQuoted = 120

// Quote escapes s for a log line or an error message: Go-quoted (so CR, LF,
// NUL and other control bytes and invalid UTF-8 appear as escapes) and cut
// to a bounded length.
func Quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..." + "(" + strconv.Itoa(len(s)) + " bytes)"
	}
	return strconv.Quote(s)
}

// isNumberText reports whether s can be written unquoted and unescaped: a
// short JSON number literal.
func isNumberText(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}
