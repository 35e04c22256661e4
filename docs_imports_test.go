package emulator

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRules fails when what a package imports of the project, outside
// its tests, differs from the table of docs/architecture.md, Import rules:
// the map stays true, and a new arrow between packages is written there
// first. The root package is called emulator there.
func TestImportRules(t *testing.T) {
	module := modulePath(t)
	imports := map[string]map[string]bool{} // package → packages of the project it imports
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := packageName(filepath.ToSlash(filepath.Dir(path)))
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			if p == module {
				imports[pkg]["emulator"] = true
			} else if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[pkg][rel] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	table := importTable(t, "docs/architecture.md")
	for pkg, got := range imports {
		want, ok := table[pkg]
		if !ok {
			t.Errorf("package %s has no row in the table of docs/architecture.md (Import rules)", pkg)
			continue
		}
		for imp := range got {
			if !want[imp] {
				t.Errorf("%s imports %s, which the table of docs/architecture.md (Import rules) does not list", pkg, imp)
			}
		}
		for imp := range want {
			if !got[imp] {
				t.Errorf("the table of docs/architecture.md (Import rules) says %s imports %s; it does not", pkg, imp)
			}
		}
	}
	for pkg := range table {
		if imports[pkg] == nil {
			t.Errorf("the table of docs/architecture.md (Import rules) has a row for %s, which is no package", pkg)
		}
	}
}

// packageName is how the import table names the package in dir.
func packageName(dir string) string {
	if dir == "." {
		return "emulator"
	}
	return dir
}

// modulePath reads the module's path from go.mod.
func modulePath(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatal("go.mod names no module")
	return ""
}

// importTable reads the table of the Import rules section of doc: its
// first column names packages, its second what they import, in backquotes.
func importTable(t *testing.T, doc string) map[string]map[string]bool {
	t.Helper()
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "\n## Import rules\n")
	if !ok {
		t.Fatalf("%s has no section Import rules", doc)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	table := map[string]map[string]bool{}
	for line := range strings.Lines(section) {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[1], "`") {
			continue // not a row, or the header
		}
		imported := map[string]bool{}
		for _, m := range codeSpan.FindAllStringSubmatch(cells[2], -1) {
			imported[m[1]] = true
		}
		for _, m := range codeSpan.FindAllStringSubmatch(cells[1], -1) {
			if _, dup := table[m[1]]; dup {
				t.Errorf("%s, Import rules: %s has two rows", doc, m[1])
			}
			table[m[1]] = imported
		}
	}
	if len(table) == 0 {
		t.Fatalf("%s, Import rules: no table read", doc)
	}
	return table
}
