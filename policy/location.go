package policy

import "strconv"

// loc is where in a configuration a value is, as the fields of Error hold
// it; the decoder and the compiler build it key by key and index by index.
type loc struct {
	policy int
	field  string
	elem   int
	rest   string
}

// rootLoc is the document itself.
var rootLoc = loc{policy: -1, elem: -1}

// at returns an Error of kind k at l.
func (l loc) at(k ErrorKind, reason string) *Error {
	return &Error{Kind: k, Policy: l.policy, Field: l.field, Elem: l.elem, Rest: l.rest, Reason: reason, Offset: -1}
}

func (e *Error) loc() loc {
	return loc{policy: e.Policy, field: e.Field, elem: e.Elem, rest: e.Rest}
}

// String renders l as a JSON path: policies[0].match.hosts[1], "(root)".
func (l loc) String() string {
	s := ""
	if l.policy >= 0 {
		s = "policies[" + strconv.Itoa(l.policy) + "]"
	}
	if l.field != "" {
		if s != "" && l.field[0] != '[' {
			s += "."
		}
		s += l.field
	}
	if s == "" {
		s = "(root)"
	}
	if l.elem >= 0 {
		s += "[" + strconv.Itoa(l.elem) + "]"
	}
	return s + l.rest
}

// jsonPathKey is the location of key under parent, e.g. policies[0].name:
// the setting (Field) while parent is a policy, the document or a policy's
// match; what lies deeper goes to rest.
func jsonPathKey(parent loc, key string) loc {
	seg := pathKey(key)
	switch {
	case parent.elem >= 0 || parent.rest != "":
		parent.rest += dotted(seg)
	case parent.field == "":
		parent.field = seg
	case parent.policy >= 0 && parent.field == "match":
		parent.field += dotted(seg)
	default:
		parent.rest += dotted(seg)
	}
	return parent
}

// jsonPathIndex is the location of element i of parent, e.g. policies[1]:
// the policy index under the top-level "policies", the element index of a
// setting's list; what lies deeper goes to rest.
func jsonPathIndex(parent loc, i int) loc {
	switch {
	case parent.policy < 0 && parent.field == "policies" && parent.elem < 0 && parent.rest == "":
		parent.policy, parent.field = i, ""
	case parent.elem < 0 && parent.rest == "" && (parent.field != "" || parent.policy < 0):
		parent.elem = i
	default:
		parent.rest += "[" + strconv.Itoa(i) + "]"
	}
	return parent
}

// pathKey writes key as a path segment: itself when it is plain, ["key"]
// otherwise.
func pathKey(key string) string {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			plain = false
		}
	}
	if !plain {
		return "[" + strconv.Quote(key) + "]"
	}
	return key
}

// dotted prefixes a plain key segment with '.'.
func dotted(seg string) string {
	if seg[0] == '[' {
		return seg
	}
	return "." + seg
}
