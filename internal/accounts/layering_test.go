package accounts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRulesKnowNoWire checks that package accounts and the store's domain
// types know nothing of the HTTP planes: no JSON tag on any struct field
// (the API has wire types of its own) and no route in any string (the API
// spells out remedies, errs.Remedy). The attribute schema, a storage
// encoding, lives in package accounts/attributes.
func TestRulesKnowNoWire(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "store", "store.go"))
	routes := []string{"/api/v1", "/_emulator", "/v2/public", "/public"}
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				if n.Tag != nil {
					tag := reflect.StructTag(strings.Trim(n.Tag.Value, "`"))
					if _, ok := tag.Lookup("json"); ok {
						t.Errorf("%s: a struct field has the JSON tag %s", fset.Position(n.Pos()), n.Tag.Value)
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					for _, route := range routes {
						if strings.Contains(n.Value, route) {
							t.Errorf("%s: the string %s names the route %s; name an errs.Remedy instead", fset.Position(n.Pos()), n.Value, route)
						}
					}
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("checked %d files; the test would prove nothing", checked)
	}
}
