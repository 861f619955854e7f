package policy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The package's exported surface is its contract (doc.go): every exported
// name and method is listed in testdata/api.txt, so a helper exported for
// one caller's speed, or a name removed, fails here and has to be argued
// for in review. Edit testdata/api.txt when the contract changes on purpose.
func TestExportedSurface(t *testing.T) {
	got := exportedNames(t, ".")
	data, err := os.ReadFile("testdata/api.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	for _, n := range got {
		if !slices.Contains(want, n) {
			t.Errorf("%s is exported but not in testdata/api.txt: is it part of the contract?", n)
		}
	}
	for _, n := range want {
		if !slices.Contains(got, n) {
			t.Errorf("testdata/api.txt lists %s, which policy does not export", n)
		}
	}
}

// policy is linked into the .wasm: it imports the standard library (never
// fmt or os) and its own internal packages, nothing else.
func TestImports(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nonTest, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	const internal = "github.com/cors-wasm/cors-wasm/policy/internal/"
	for _, f := range pkgs["policy"].Files {
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.Split(p, "/")[0], ".")
			if p == "fmt" || p == "os" || !std && !strings.HasPrefix(p, internal) {
				t.Errorf("%s imports %s", fset.Position(imp.Pos()).Filename, p)
			}
		}
	}
}

func nonTest(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }

// exportedNames lists the exported top-level names of the package in dir,
// and its exported methods as Type.Method, sorted.
func exportedNames(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, nonTest, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range pkgs["policy"].Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					names = append(names, d.Name.Name)
					continue
				}
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
					names = append(names, id.Name+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names = append(names, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(names)
	return names
}
