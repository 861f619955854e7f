package strictjson

import "strconv"

// Problem says what sort of error the decoder found.
type Problem uint8

const (
	Syntax    Problem = iota + 1 // not RFC 8259 JSON, not UTF-8, a byte order mark, or empty
	Limit                        // over MaxBytes, or nested deeper than MaxDepth
	Duplicate                    // an object key given twice
)

// Step is one step of a path into the document: an object key, or an array
// index when IsIndex is set.
type Step struct {
	Key     string
	Index   int
	IsIndex bool
}

// Error is the first problem in a document; decoding stops there.
type Error struct {
	Problem Problem
	Path    []Step // from the document down to the value at fault; empty for the document itself
	Reason  string
	Offset  int // the byte a syntax error is at, -1 for other problems
}

// Error renders `path: reason`, the path written as keys and indexes
// (a.b[0], ["odd key"]), "(root)" for the document itself.
func (e *Error) Error() string {
	p := ""
	for _, s := range e.Path {
		switch {
		case s.IsIndex:
			if p == "" {
				p = "(root)"
			}
			p += "[" + strconv.Itoa(s.Index) + "]"
		case !plain(s.Key):
			p += "[" + strconv.Quote(s.Key) + "]"
		case p == "":
			p = s.Key
		default:
			p += "." + s.Key
		}
	}
	if p == "" {
		p = "(root)"
	}
	return p + ": " + e.Reason
}

// plain reports whether a key can be written bare in a path.
func plain(key string) bool {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return key != ""
}

// node is the path of the value being decoded, linked to its parent so
// descending costs nothing until an error needs the path.
type node struct {
	parent  *node
	key     string
	index   int
	isIndex bool
}

func fail(at *node, p Problem, reason string, offset int) *Error {
	n := 0
	for x := at; x != nil; x = x.parent {
		n++
	}
	path := make([]Step, n)
	for x := at; x != nil; x = x.parent {
		n--
		path[n] = Step{Key: x.key, Index: x.index, IsIndex: x.isIndex}
	}
	return &Error{Problem: p, Path: path, Reason: reason, Offset: offset}
}
