package importer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// site is one call of Report.add or Report.override with Dropped or
// Changed in the importer's source: its file and line range.
type site struct {
	pos        string
	file       string
	start, end int
	verb       string
}

func hitAny(hit map[string]bool, s site) bool {
	for l := s.start; l <= s.end; l++ {
		if hit[s.file+":"+strconv.Itoa(l)] {
			return true
		}
	}
	return false
}

// reportSites finds the sites by reading the package's Go files.
func reportSites(t *testing.T) []site {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []site
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "add" && sel.Sel.Name != "override" {
				return true
			}
			for _, a := range call.Args {
				if id, ok := a.(*ast.Ident); ok && (id.Name == "Dropped" || id.Name == "Changed") {
					start, end := fset.Position(call.Pos()), fset.Position(call.End())
					out = append(out, site{pos: start.String(), file: name, start: start.Line, end: end.Line, verb: strings.ToLower(id.Name)})
				}
			}
			return true
		})
	}
	if len(out) < 20 {
		t.Fatalf("found only %d report sites: the search no longer sees them", len(out))
	}
	return out
}
