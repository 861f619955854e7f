// Package strictjson decodes one JSON document strictly (RFC 8259 with no
// leniency: duplicate keys, invalid UTF-8, lone surrogate escapes, deep
// nesting and trailing data are errors) into a tree that keeps object
// members in order and numbers as written. An error says what is wrong,
// where (the path of keys and indexes) and, for syntax, at which byte.
package strictjson

// Kind is the type of a decoded JSON value.
type Kind uint8

// JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

// String names the kind in error messages ("expected a string, found a number").
func (k Kind) String() string { return kindNames[k] }

// Value is one decoded JSON value; objects keep their members in order.
type Value struct {
	Kind    Kind
	Bool    bool
	Str     string // decoded string, or the number literal as written
	Elems   []Value
	Members []Member
	Offset  int // byte offset of the value in the input
}

// Member is one key/value pair of an object.
type Member struct {
	Key   string
	Value Value
}

// Lookup finds key among the members of an object.
func (v *Value) Lookup(key string) (*Value, bool) {
	for i := range v.Members {
		if v.Members[i].Key == key {
			return &v.Members[i].Value, true
		}
	}
	return nil, false
}
