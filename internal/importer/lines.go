package importer

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// lineIndex finds the line of a setting in a document from the YAML (or
// JSON) node tree of its text, so that the report points at the setting,
// not at the document's first line. The tree is built when a line is
// first asked for: most imports that are checked are never printed.
type lineIndex struct {
	text   string
	first  int // line of the document's first line in the file, from 1
	parent *lineIndex
	index  int // of the resource in the parent's sequence or List items
	node   *yaml.Node
	done   bool
}

// parseLines is the index of a document's text.
func parseLines(text string, first int) *lineIndex {
	return &lineIndex{text: text, first: first}
}

// resolve builds the node of the resource, nil when the text does not
// parse (the JSON conversion reports that error).
func (x *lineIndex) resolve() *yaml.Node {
	if x.done {
		return x.node
	}
	x.done = true
	if x.parent == nil {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(x.text), &doc) == nil && len(doc.Content) > 0 {
			x.node = doc.Content[0]
		}
		return x.node
	}
	n := x.parent.resolve()
	if n != nil && n.Kind == yaml.MappingNode {
		n = child(n, "items")
	}
	if n != nil && n.Kind == yaml.SequenceNode && x.index < len(n.Content) {
		x.node = n.Content[x.index]
	}
	return x.node
}

// item is the index of the i-th element of the resource's sequence, or of
// its "items" list (a v1 List), for the resources read from one.
func (x *lineIndex) item(i int) *lineIndex {
	if x == nil {
		return nil
	}
	return &lineIndex{first: x.first, parent: x, index: i}
}

// line is the file line of the setting at field, a path such as
// `spec.rules[0].filters[1].cors.allowOrigins[2]` (keys may hold dots, as
// Envoy's filter names do; Envoy's snake_case names also find the
// lowerCamelCase spelling protojson accepts). A path that leads nowhere
// stops at the deepest setting found; the empty path is the resource.
func (x *lineIndex) line(field string) int {
	if x == nil || x.resolve() == nil {
		return 0
	}
	n := x.node
	at := n.Line // a member's key line, an element's own line
	for rest := field; rest != "" && n != nil; {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			i, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				break
			}
			n, rest = n.Content[i], strings.TrimPrefix(rest[end+1:], ".")
			at = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			break
		}
		key, next, used := longestKey(n, rest)
		if next == nil {
			break
		}
		n, rest, at = next, strings.TrimPrefix(rest[used:], "."), key.Line
	}
	return x.first + at - 1
}

// longestKey finds the member whose key is the longest that starts path
// and ends at a '.', a '[' or the end of it; it returns the key and value
// nodes and the bytes of path the key used.
func longestKey(m *yaml.Node, path string) (key, value *yaml.Node, used int) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if n := keyPrefix(path, m.Content[i].Value); n > used {
			key, value, used = m.Content[i], m.Content[i+1], n
		}
	}
	return key, value, used
}

// keyPrefix is how many bytes of path the key k spells (as written, or as
// the snake_case form of a lowerCamelCase key), when it is followed by a
// separator; 0 otherwise.
func keyPrefix(path, k string) int {
	for _, spelling := range []string{k, snake(k)} {
		if strings.HasPrefix(path, spelling) {
			n := len(spelling)
			if n == len(path) || path[n] == '.' || path[n] == '[' {
				return n
			}
		}
	}
	return 0
}

// snake turns lowerCamelCase into snake_case: virtualHosts -> virtual_hosts.
func snake(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 'A' && c <= 'Z' {
			b.WriteByte('_')
			b.WriteByte(c + 'a' - 'A')
			continue
		}
		b.WriteByte(k[i])
	}
	return b.String()
}

// child is the value of key in a mapping node.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
