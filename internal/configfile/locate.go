package configfile

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"

	"github.com/cors-wasm/cors-wasm/policy"
)

// locator finds the line of a configuration's settings in its file: in the
// YAML node tree of its document (positions kept by go.yaml.in/yaml/v3), or
// in JSON text, a whole file or a JSON string embedded in a YAML document.
type locator struct {
	node     *yaml3.Node // the document, nil when it could not be parsed with positions
	lineBase int         // the document's first line - 1
	at       string      // path of the configuration in the document
	inString bool        // the configuration is JSON text in the string at `at`

	json     []byte // a plain JSON configuration file
	jsonLine int    // line of json's first byte
}

// byteOffset finds the offset policy's JSON syntax errors name, "... (byte 60)".
var byteOffset = regexp.MustCompile(`\(byte (\d+)\)`)

// LineOf returns the line of the setting at path, a JSON path as policy's
// errors give it (`policies[0].allow_origins[2]`, "(root)" for the whole
// configuration): the line of its key, or of the element in a list. When the
// file has nothing at path (a missing key), it is the line of the nearest
// enclosing setting. A reason naming a byte offset, as JSON syntax errors do,
// gives that byte's line.
func (c Config) LineOf(path, reason string) int {
	offset := -1
	if m := byteOffset.FindStringSubmatch(reason); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			offset = n
		}
	}
	return c.line(parsePath(path), offset)
}

// LineOfError returns the line of the setting a configuration error is
// about, read from its location fields (Policy, Field, Elem, Rest) and, for a
// syntax error, the byte at Offset; as LineOf, the nearest enclosing setting
// when the file has nothing there.
func (c Config) LineOfError(e *policy.Error) int {
	var want []segment
	if e.Policy >= 0 {
		want = append(want, segment{key: "policies"}, segment{index: e.Policy, isIndex: true})
	}
	want = append(want, parsePath(e.Field)...) // a key, or match.<key>; odd keys as ["key"]
	if e.Elem >= 0 {
		want = append(want, segment{index: e.Elem, isIndex: true})
	}
	want = append(want, parsePath(e.Rest)...)
	return c.line(want, e.Offset)
}

// line is the line of the setting at want, or of the byte at offset (>= 0)
// in the configuration's JSON text.
func (c Config) line(want []segment, offset int) int {
	if c.Line == 0 {
		return 0
	}
	if c.loc.json != nil {
		return jsonLine(c.loc.json, c.loc.jsonLine, want, offset)
	}
	if c.loc.node == nil {
		return c.Line
	}
	n, line := resolve(c.loc.node, parsePath(c.loc.at))
	if n == nil {
		return c.Line
	}
	line += c.loc.lineBase
	if !c.loc.inString {
		if len(want) == 0 {
			return line // the key the configuration is under
		}
		_, l := resolve(n, want)
		return l + c.loc.lineBase
	}
	// A JSON string: a literal block (`|`) keeps the text's lines, starting
	// on the line after the indicator; a one-line scalar is on its own line.
	// Other multi-line styles fold or escape lines: their line is the best.
	switch {
	case n.Kind != yaml3.ScalarNode:
		return line
	case n.Style&yaml3.LiteralStyle != 0:
		return jsonLine([]byte(n.Value), n.Line+1+c.loc.lineBase, want, offset)
	case !strings.Contains(n.Value, "\n"):
		return n.Line + c.loc.lineBase
	}
	return line
}

// segment is one step of a JSON path: a key, or an index when key is empty
// and isIndex is set.
type segment struct {
	key     string
	index   int
	isIndex bool
}

// parsePath splits a path as policy writes it: name.name[3]["odd key"].
// "(root)" and the empty path are the configuration itself; a part it cannot
// read ends the path there.
func parsePath(p string) []segment {
	var segs []segment
	if p == "(root)" {
		return nil
	}
	for len(p) > 0 {
		switch {
		case p[0] == '.':
			p = p[1:]
		case strings.HasPrefix(p, `["`):
			q, err := strconv.QuotedPrefix(p[1:])
			if err != nil {
				return segs
			}
			k, _ := strconv.Unquote(q)
			segs = append(segs, segment{key: k})
			p = strings.TrimPrefix(p[1+len(q):], "]")
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			n, err := strconv.Atoi(p[1:max(end, 1)])
			if end < 0 || err != nil {
				return segs
			}
			segs = append(segs, segment{index: n, isIndex: true})
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, segment{key: p[:end]})
			p = p[end:]
		}
	}
	return segs
}

// resolve walks want from n as far as the tree goes and returns the node
// reached and the line of the last step: a mapping key's line, or an
// element's.
func resolve(n *yaml3.Node, want []segment) (*yaml3.Node, int) {
	n = deref(n)
	if n == nil {
		return nil, 0
	}
	line := n.Line
	for _, s := range want {
		var next *yaml3.Node
		switch {
		case n.Kind == yaml3.MappingNode && !s.isIndex:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s.key {
					next, line = n.Content[i+1], n.Content[i].Line
					break
				}
			}
		case n.Kind == yaml3.SequenceNode && s.isIndex && s.index < len(n.Content):
			next = n.Content[s.index]
			line = deref(next).Line
		}
		if next = deref(next); next == nil {
			break
		}
		n = next
	}
	return n, line
}

// deref skips document and alias nodes.
func deref(n *yaml3.Node) *yaml3.Node {
	for n != nil {
		switch {
		case n.Kind == yaml3.DocumentNode && len(n.Content) > 0:
			n = n.Content[0]
		case n.Kind == yaml3.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// jsonLine is the line, in a file where text starts on first, of the setting
// at want in the JSON text, or of the byte at offset when it is >= 0.
func jsonLine(text []byte, first int, want []segment, offset int) int {
	off := jsonOffset(text, want)
	if offset >= 0 && offset <= len(text) {
		off = offset
	}
	return first + bytes.Count(text[:off], []byte("\n"))
}

// jsonFrame is an open object or array while scanning JSON.
type jsonFrame struct {
	array     bool
	index     int
	key       string
	expectKey bool
}

// jsonOffset is the offset of the setting at want in JSON text (its key, or
// the element), of the deepest part of want that exists when the rest does
// not, and stops at the first syntax error with what it found by then.
func jsonOffset(text []byte, want []segment) int {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	best, matched := skipSpace(text, 0), 0
	var stack []jsonFrame
	// at records that the value or key starting at start has the path of the
	// stack (plus the current key or index).
	at := func(start int) {
		n := len(stack)
		if n > len(want) || n <= matched {
			return
		}
		for i, f := range stack {
			s := want[i]
			if f.array != s.isIndex || (f.array && f.index != s.index) || (!f.array && f.key != s.key) {
				return
			}
		}
		best, matched = start, n
	}
	// valueDone moves the enclosing frame past a complete value.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].expectKey = true
			}
		}
	}
	for matched < len(want) {
		start := skipSpace(text, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				at(start)
				stack = append(stack, jsonFrame{array: t == '[', expectKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].expectKey {
				stack[n-1].key, stack[n-1].expectKey = t, false
				at(start)
				continue
			}
			at(start)
			valueDone()
		default:
			at(start)
			valueDone()
		}
	}
	return best
}

// skipSpace skips whitespace and the separators between JSON tokens.
func skipSpace(text []byte, i int) int {
	for i < len(text) && strings.IndexByte(" \t\r\n,:", text[i]) >= 0 {
		i++
	}
	return i
}
