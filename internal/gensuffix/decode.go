package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
)

// rule is one rule of the Public Suffix List: a plain suffix ("co.uk"), a
// wildcard ("*.kawasaki.jp") or an exception ("!city.kawasaki.jp").
type rule struct {
	text  string
	icann bool // from the list's ICANN section, not its private one
}

// listTable is x/net/publicsuffix's encoded list: the files under its data/
// directory and the constants of its generated table.go that say how to read
// them.
type listTable struct {
	version        string // the list's source, revision and date
	consts         map[string]int
	text           string
	nodes          string // 40-bit big-endian integers
	children       string // 32-bit big-endian integers
	textBits       int    // bits of a node's text length
	offsetBits     int    // bits of a node's text offset
	icannBits      int
	childBits      int // bits of a node's index into children
	loBits, hiBits int // bits of a children entry's node range
	typeBits       int
}

// readTable loads the encoded list from x/net's publicsuffix directory.
func readTable(dir string) (*listTable, error) {
	t := &listTable{consts: map[string]int{}}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(dir, "table.go"), nil, 0)
	if err != nil {
		return nil, err
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Names) != 1 || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok {
				continue
			}
			switch lit.Kind {
			case token.STRING:
				if vs.Names[0].Name == "version" {
					t.version, err = strconv.Unquote(lit.Value)
				}
			case token.INT:
				t.consts[vs.Names[0].Name], err = strconv.Atoi(lit.Value)
			}
			if err != nil {
				return nil, fmt.Errorf("table.go: %s: %v", vs.Names[0].Name, err)
			}
		}
	}
	if t.version == "" {
		return nil, errors.New("table.go: no version constant")
	}
	for name, dst := range map[string]*int{
		"nodesBitsTextLength": &t.textBits, "nodesBitsTextOffset": &t.offsetBits, "nodesBitsICANN": &t.icannBits,
		"nodesBitsChildren": &t.childBits, "childrenBitsLo": &t.loBits, "childrenBitsHi": &t.hiBits,
		"childrenBitsNodeType": &t.typeBits,
	} {
		v, ok := t.consts[name]
		if !ok {
			return nil, fmt.Errorf("table.go: no constant %s: the table's layout changed, update internal/gensuffix", name)
		}
		*dst = v
	}
	for _, name := range []string{"nodesBits", "numTLD", "nodeTypeNormal", "nodeTypeException", "nodeTypeParentOnly", "childrenBitsWildcard"} {
		if _, ok := t.consts[name]; !ok {
			return nil, fmt.Errorf("table.go: no constant %s: the table's layout changed, update internal/gensuffix", name)
		}
	}
	if t.consts["nodesBits"] != 40 || t.consts["childrenBitsWildcard"] != 1 {
		return nil, errors.New("table.go: nodes are no longer 40 bits or the wildcard no longer one bit: update internal/gensuffix")
	}
	for name, dst := range map[string]*string{"text": &t.text, "nodes": &t.nodes, "children": &t.children} {
		b, err := os.ReadFile(filepath.Join(dir, "data", name))
		if err != nil {
			return nil, err
		}
		*dst = string(b)
	}
	if len(t.nodes)%5 != 0 || len(t.children)%4 != 0 {
		return nil, errors.New("data/nodes or data/children has a length that is not a whole number of entries")
	}
	return t, nil
}

func bits(x uint64, shift, width int) uint64 { return x >> shift & (1<<width - 1) }

// node is the decoded entry i of data/nodes with its children entry.
type node struct {
	label         string
	icann         bool
	lo, hi        int // its children: nodes lo..hi-1
	kind          int // nodeTypeNormal, nodeTypeException or nodeTypeParentOnly
	wildcardBelow bool
}

func (t *listTable) node(i int) (node, error) {
	if (i+1)*5 > len(t.nodes) {
		return node{}, fmt.Errorf("node %d out of range", i)
	}
	var x uint64
	for _, b := range []byte(t.nodes[i*5 : i*5+5]) {
		x = x<<8 | uint64(b)
	}
	n := node{}
	length := int(bits(x, 0, t.textBits))
	offset := int(bits(x, t.textBits, t.offsetBits))
	n.icann = bits(x, t.textBits+t.offsetBits, t.icannBits) != 0
	ci := int(bits(x, t.textBits+t.offsetBits+t.icannBits, t.childBits))
	if offset+length > len(t.text) || (ci+1)*4 > len(t.children) {
		return node{}, fmt.Errorf("node %d points outside data/text or data/children", i)
	}
	n.label = t.text[offset : offset+length]
	var c uint64
	for _, b := range []byte(t.children[ci*4 : ci*4+4]) {
		c = c<<8 | uint64(b)
	}
	n.lo = int(bits(c, 0, t.loBits))
	n.hi = int(bits(c, t.loBits, t.hiBits))
	n.kind = int(bits(c, t.loBits+t.hiBits, t.typeBits))
	n.wildcardBelow = bits(c, t.loBits+t.hiBits+t.typeBits, 1) != 0
	return n, nil
}

// rules decodes the tree into the list's rules. The top-level domains are
// nodes 0..numTLD-1; a node's children are the labels in front of it.
func (t *listTable) rules() ([]rule, error) {
	var out []rule
	var walk func(lo, hi int, parent string, depth int) error
	walk = func(lo, hi int, parent string, depth int) error {
		if depth > 127 || lo > hi {
			return errors.New("malformed tree: too deep or an empty range")
		}
		for i := lo; i < hi; i++ {
			n, err := t.node(i)
			if err != nil {
				return err
			}
			if n.label == "" {
				return fmt.Errorf("node %d has an empty label", i)
			}
			domain := n.label
			if parent != "" {
				domain += "." + parent
			}
			switch n.kind {
			case t.consts["nodeTypeNormal"]:
				out = append(out, rule{domain, n.icann})
			case t.consts["nodeTypeException"]:
				out = append(out, rule{"!" + domain, n.icann})
			case t.consts["nodeTypeParentOnly"]:
			default:
				return fmt.Errorf("node %d (%s) has unknown type %d", i, domain, n.kind)
			}
			if n.wildcardBelow {
				out = append(out, rule{"*." + domain, n.icann})
			}
			if n.hi > n.lo {
				if err := walk(n.lo, n.hi, domain, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(0, t.consts["numTLD"], "", 0); err != nil {
		return nil, err
	}
	return out, nil
}
