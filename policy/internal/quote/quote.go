// Package quote escapes the values that configuration errors repeat.
package quote

import "strconv"

// MaxBytes bounds how much of a value an error message repeats, so a hostile
// or huge value cannot flood a log line.
const MaxBytes = 120

// Value escapes s for a log line or an error message: Go-quoted (so CR, LF,
// NUL and other control bytes and invalid UTF-8 appear as escapes) and cut to
// MaxBytes, with the length it had.
func Value(s string) string {
	if len(s) > MaxBytes {
		return strconv.Quote(s[:MaxBytes]) + "..." + "(" + strconv.Itoa(len(s)) + " bytes)"
	}
	return strconv.Quote(s)
}
