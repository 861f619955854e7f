package strictjson

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits on a document.
const (
	MaxDepth = 32      // deeper nesting is refused
	MaxBytes = 4 << 20 // larger inputs are refused before parsing
)

// Decode parses exactly one RFC 8259 value surrounded by optional
// whitespace. It is strict where encoding/json is lenient: duplicate keys,
// invalid UTF-8, lone surrogate escapes and deep nesting are errors.
func Decode(data []byte) (Value, *Error) {
	if len(data) == 0 {
		return Value{}, fail(nil, Syntax, "empty configuration", -1)
	}
	if len(data) > MaxBytes {
		return Value{}, fail(nil, Limit, "configuration larger than "+strconv.Itoa(MaxBytes)+" bytes", -1)
	}
	if reason := byteOrderMark(data); reason != "" {
		return Value{}, fail(nil, Syntax, reason, 0)
	}
	if !utf8.Valid(data) {
		at := firstInvalidUTF8(data)
		return Value{}, fail(nil, Syntax, "invalid UTF-8 at "+position(data, at), at)
	}
	d := &jsonDecoder{data: data}
	d.space()
	v := d.value(nil, 0)
	if d.err == nil {
		d.space()
		if d.pos < len(d.data) {
			d.fail(nil, Syntax, "unexpected "+d.describe()+" at "+position(d.data, d.pos)+" after the top-level value")
		}
	}
	if d.err != nil {
		return Value{}, d.err
	}
	return v, nil
}

// byteOrderMark names a byte order mark at the start of data: editors on
// Windows add one, and the decoder would otherwise report a stray 'ï'.
func byteOrderMark(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF:
		return "starts with a UTF-8 byte order mark (BOM), which JSON does not allow: save the file as UTF-8 without BOM"
	case len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE):
		return "starts with a UTF-16 byte order mark (BOM): save the file as UTF-8 without BOM"
	}
	return ""
}

// position says where byte offset pos is, as an editor shows it: line and
// column (in characters, both from 1), then the byte offset.
func position(data []byte, pos int) string {
	line, start := 1, 0
	for i := 0; i < pos && i < len(data); i++ {
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	col := 1 + utf8.RuneCount(data[start:min(pos, len(data))])
	return "line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + " (byte " + strconv.Itoa(pos) + ")"
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// jsonDecoder is a recursive-descent parser; it stops at the first error.
type jsonDecoder struct {
	data []byte
	pos  int
	err  *Error
}

func (d *jsonDecoder) fail(path *node, p Problem, reason string) {
	if d.err == nil {
		at := -1
		if p == Syntax {
			at = d.pos
		}
		d.err = fail(path, p, reason, at)
	}
}

// syntax reports an error at the current byte.
func (d *jsonDecoder) syntax(path *node, expected string) {
	d.fail(path, Syntax, "invalid JSON at "+position(d.data, d.pos)+": "+d.describe()+", expected "+expected)
}

func (d *jsonDecoder) describe() string {
	if d.pos >= len(d.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(d.data[d.pos:])
	return "character " + strconv.QuoteRune(r)
}

func (d *jsonDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(path *node, depth int) Value {
	v := Value{Offset: d.pos}
	if d.pos >= len(d.data) {
		d.syntax(path, "a value")
		return v
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		v.Kind = Object
		v.Members = d.object(path, depth+1)
	case c == '[':
		v.Kind = Array
		v.Elems = d.array(path, depth+1)
	case c == '"':
		v.Kind = String
		v.Str = d.string(path)
	case c == 't' || c == 'f':
		v.Kind = Bool
		v.Bool = c == 't'
		d.literal(path, map[bool]string{true: "true", false: "false"}[v.Bool])
	case c == 'n':
		v.Kind = Null
		d.literal(path, "null")
	case c == '-' || c >= '0' && c <= '9':
		v.Kind = Number
		v.Str = d.number(path)
	default:
		d.syntax(path, "a value")
	}
	return v
}

func (d *jsonDecoder) literal(path *node, word string) {
	if !strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+len(word))]), word) {
		d.syntax(path, strconv.Quote(word))
		return
	}
	d.pos += len(word)
}

func (d *jsonDecoder) object(path *node, depth int) []Member {
	if depth > MaxDepth {
		d.fail(path, Limit, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
		return nil
	}
	d.pos++ // {
	members := []Member{}
	var seen map[string]bool
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return members
	}
	for d.err == nil {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			d.syntax(path, "a string key")
			return nil
		}
		key := d.string(path)
		kpath := &node{parent: path, key: key}
		if d.err != nil {
			return nil
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		if seen[key] {
			d.fail(kpath, Duplicate, "duplicate key")
			return nil
		}
		seen[key] = true
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			d.syntax(kpath, "':' after an object key")
			return nil
		}
		d.pos++
		d.space()
		v := d.value(kpath, depth)
		members = append(members, Member{Key: key, Value: v})
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			return members
		}
		d.syntax(path, "',' or '}' in an object")
	}
	return nil
}

func (d *jsonDecoder) array(path *node, depth int) []Value {
	if depth > MaxDepth {
		d.fail(path, Limit, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
		return nil
	}
	d.pos++ // [
	elems := []Value{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return elems
	}
	for d.err == nil {
		d.space()
		elems = append(elems, d.value(&node{parent: path, index: len(elems), isIndex: true}, depth))
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			return elems
		}
		d.syntax(path, "',' or ']' in an array")
	}
	return nil
}

// number scans an RFC 8259 number and returns its text.
func (d *jsonDecoder) number(path *node) string {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case d.pos < len(d.data) && d.data[d.pos] >= '1' && d.data[d.pos] <= '9':
		d.digits()
	default:
		d.syntax(path, "a digit")
		return ""
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			d.syntax(path, "a digit after '.'")
			return ""
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			d.syntax(path, "a digit in the exponent")
			return ""
		}
	}
	return string(d.data[start:d.pos])
}

func (d *jsonDecoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// string decodes a string literal; the input is already known to be UTF-8.
func (d *jsonDecoder) string(path *node) string {
	d.pos++ // opening quote
	var b strings.Builder
	for {
		if d.pos >= len(d.data) {
			d.syntax(path, "'\"' to end the string")
			return ""
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String()
		case c < 0x20:
			d.fail(path, Syntax, "control character "+strconv.QuoteRune(rune(c))+" in a string at "+position(d.data, d.pos)+": escape it")
			return ""
		case c == '\\':
			if !d.escape(path, &b) {
				return ""
			}
		default:
			b.WriteByte(c)
			d.pos++
		}
	}
}

func (d *jsonDecoder) escape(path *node, b *strings.Builder) bool {
	d.pos++ // backslash
	if d.pos >= len(d.data) {
		d.syntax(path, "an escape")
		return false
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := d.hex4(path)
		if !ok {
			return false
		}
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
				d.pos += 2
				if r2, ok = d.hex4(path); !ok {
					return false
				}
			}
			if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
				d.fail(path, Syntax, "unpaired UTF-16 surrogate escape at "+position(d.data, d.pos))
				return false
			}
		}
		b.WriteRune(r)
	default:
		d.pos--
		d.syntax(path, "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
		return false
	}
	return true
}

func (d *jsonDecoder) hex4(path *node) (rune, bool) {
	if d.pos+4 > len(d.data) {
		d.syntax(path, "four hex digits")
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		d.syntax(path, "four hex digits")
		return 0, false
	}
	d.pos += 4
	return rune(n), true
}
