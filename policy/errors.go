package policy

import (
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/quote"
)

// ErrorKind says what sort of problem an Error is, so a program can act on
// it without reading the message.
type ErrorKind uint8

const (
	BadSyntax     ErrorKind = iota + 1 // the document is not readable JSON (or not UTF-8, or empty)
	UnknownKey                         // a key the configuration does not have at that level
	WrongType                          // a value of the wrong JSON type (a string for a number, a fraction for an integer)
	Duplicate                          // a key, a policy name or a list entry given twice
	Missing                            // a required setting is absent
	OutOfRange                         // a number outside the range the setting accepts
	OverLimit                          // over a size limit: entries, bytes, nesting, the regex analysis budget
	Conflict                           // settings that contradict each other ("*" with other entries, no_cors with grants)
	InvalidValue                       // a value the setting does not accept (a name, a header, a host, a path, a choice)
	InvalidOrigin                      // an allowed origin that is not an origin or origin pattern
	UnsafeOrigin                       // an allowed origin that would let others read responses (see the reason)
	BadRegex                           // an allowed origin regex refused: invalid, or matching origins it must not
)

var errorKindNames = [...]string{BadSyntax: "syntax", UnknownKey: "unknown key", WrongType: "type",
	Duplicate: "duplicate", Missing: "missing", OutOfRange: "out of range", OverLimit: "limit",
	Conflict: "conflict", InvalidValue: "invalid value", InvalidOrigin: "invalid origin",
	UnsafeOrigin: "unsafe origin", BadRegex: "regex"}

// String names the kind in words ("unknown key").
func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) && errorKindNames[k] != "" {
		return errorKindNames[k]
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is one problem found in a configuration: its kind, where it is, the
// offending value (escaped, possibly shortened) and why it is refused.
//
// The location is structured: Policy is the index in "policies" (-1 when the
// problem is not inside one policy), Field the setting's key relative to the
// policy, or to the document when Policy is -1 ("allow_origins",
// "match.hosts", "policies"; "" for the policy or the document itself; a key
// that needs quoting is written ["key"]), Elem the index in that setting's
// list (-1 for the setting as a whole), and Rest whatever lies deeper, in
// JSON path syntax (only syntax, duplicate-key and type errors inside values
// of the wrong shape have one). Path renders all four as one JSON path.
type Error struct {
	Kind   ErrorKind
	Policy int
	Field  string
	Elem   int
	Rest   string
	Value  string // the offending value as written in the config; empty when HasValue is false
	Reason string
	// HasValue says whether Value is meaningful (an empty string can be the offending value).
	HasValue bool
	// Number says Value is a number (as written in the JSON), shown unquoted:
	// a quoted 600 would read as the string "600".
	Number bool
	// Offset is the byte offset in the document a syntax error is at, -1 when none.
	Offset int
}

// Path is the JSON path of the problem, such as policies[1].allow_origins[0],
// or "(root)" for the document itself.
func (e *Error) Path() string {
	return e.loc().String()
}

// Error renders `path: "value": reason`, or `path: reason` when there is no value.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path())
	b.WriteString(": ")
	if e.HasValue {
		if e.Number && isNumberText(e.Value) {
			b.WriteString(e.Value)
		} else {
			b.WriteString(quote.Value(e.Value))
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
