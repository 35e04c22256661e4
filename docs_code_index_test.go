package emulator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeIndex is what the Go files of the repository declare, read with
// go/parser: enough to tell whether a name a document cites exists.
type codeIndex struct {
	decls    map[string]map[string]bool            // package → top-level names
	members  map[string]map[string]map[string]bool // package → type → methods, fields
	typePkgs map[string][]string                   // type name → packages declaring it
	tests    map[string]bool                       // Test*, Fuzz*, Benchmark*, Example* functions
	literal  map[string]bool                       // every string literal, unquoted
	files    []string                              // every file, by its slash path
}

// indexCode parses every Go file under root (testdata aside). A package is
// known by its name, its external test package (x_test) folded into x.
func indexCode(t *testing.T, root string) *codeIndex {
	t.Helper()
	ix := &codeIndex{
		decls:    map[string]map[string]bool{},
		members:  map[string]map[string]map[string]bool{},
		typePkgs: map[string][]string{},
		tests:    map[string]bool{},
		literal:  map[string]bool{},
	}
	addMember := func(pkg, typ, name string) {
		if ix.members[pkg] == nil {
			ix.members[pkg] = map[string]map[string]bool{}
		}
		if ix.members[pkg][typ] == nil {
			ix.members[pkg][typ] = map[string]bool{}
		}
		ix.members[pkg][typ][name] = true
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			ix.files = append(ix.files, filepath.ToSlash(path))
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := strings.TrimSuffix(f.Name.Name, "_test")
		if ix.decls[pkg] == nil {
			ix.decls[pkg] = map[string]bool{}
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil {
					ix.decls[pkg][decl.Name.Name] = true
					if strings.HasSuffix(path, "_test.go") && testFunc.MatchString(decl.Name.Name) {
						ix.tests[decl.Name.Name] = true
					}
					continue
				}
				if typ := receiverType(decl.Recv.List[0].Type); typ != "" {
					addMember(pkg, typ, decl.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.ValueSpec:
						for _, name := range spec.Names {
							ix.decls[pkg][name.Name] = true
						}
					case *ast.TypeSpec:
						typ := spec.Name.Name
						ix.decls[pkg][typ] = true
						ix.typePkgs[typ] = append(ix.typePkgs[typ], pkg)
						var fields *ast.FieldList
						switch st := spec.Type.(type) {
						case *ast.StructType:
							fields = st.Fields
						case *ast.InterfaceType:
							fields = st.Methods
						}
						if fields == nil {
							continue
						}
						for _, field := range fields.List {
							for _, name := range field.Names {
								addMember(pkg, typ, name.Name)
							}
							if len(field.Names) == 0 { // embedded: its methods are promoted
								if emb := receiverType(field.Type); emb != "" {
									addMember(pkg, typ, emb)
								}
							}
						}
					}
				}
			}
		}
		if filepath.Dir(path) == "." {
			return nil // this package's tests: their literals name nothing
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					ix.literal[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// receiverType is the name of the type of a receiver or an embedded field:
// T, *T, T[P], pkg.T.
func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.IndexListExpr:
		return receiverType(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

var testFunc = regexp.MustCompile(`^(Test|Fuzz|Benchmark|Example)`)

// member reports whether type typ of package pkg has a method or field
// name, directly or through the types it embeds.
func (ix *codeIndex) member(pkg, typ, name string) bool {
	seen := map[string]bool{}
	var has func(typ string) bool
	has = func(typ string) bool {
		if seen[typ] {
			return false
		}
		seen[typ] = true
		members := ix.members[pkg][typ]
		if members[name] {
			return true
		}
		for emb := range members {
			if ix.decls[pkg][emb] && has(emb) {
				return true
			}
		}
		return false
	}
	return has(typ)
}

// hasFile reports whether a file of the repository is name or ends with
// /name.
func (ix *codeIndex) hasFile(name string) bool {
	for _, f := range ix.files {
		if f == name || strings.HasSuffix(f, "/"+name) {
			return true
		}
	}
	return false
}

// hasMethod reports whether some type of package pkg has a method or field
// name: prose writes accounts.AddMember for the method of accounts.Service.
func (ix *codeIndex) hasMethod(pkg, name string) bool {
	for _, members := range ix.members[pkg] {
		if members[name] {
			return true
		}
	}
	return false
}

// declared reports whether some package declares name, at the top level or
// as a method or field.
func (ix *codeIndex) declared(name string) bool {
	for pkg, names := range ix.decls {
		if names[name] {
			return true
		}
		for _, members := range ix.members[pkg] {
			if members[name] {
				return true
			}
		}
	}
	return false
}

// inLiteral reports whether s is part of some string literal of the code:
// a name of a table entry or a struct tag.
func (ix *codeIndex) inLiteral(s string) bool {
	for lit := range ix.literal {
		if strings.Contains(lit, s) {
			return true
		}
	}
	return false
}

// literalWithPrefix reports whether some string literal starts with prefix.
func (ix *codeIndex) literalWithPrefix(prefix string) bool {
	for lit := range ix.literal {
		if strings.HasPrefix(lit, prefix) {
			return true
		}
	}
	return false
}
