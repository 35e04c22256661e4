package emulator

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEListsEveryPackage fails when README's "Where things live"
// leaves out a package of the repository, or lists a path that does not
// exist. A package inside a listed one may be named in its parent's line
// (internal/store/: ... memory/).
func TestREADMEListsEveryPackage(t *testing.T) {
	src, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "\n### Where things live\n")
	if !ok {
		t.Fatal(`README.md has no section "Where things live"`)
	}
	_, tree, _ := strings.Cut(section, "```\n")
	tree, _, _ = strings.Cut(tree, "```")
	listed := map[string]string{} // path → what its lines say
	last := ""
	for line := range strings.Lines(tree) {
		if strings.HasPrefix(line, " ") { // a description going on
			listed[last] += line
			continue
		}
		path, description, _ := strings.Cut(strings.TrimSpace(line), " ")
		if _, err := os.Stat(strings.TrimSuffix(path, "/")); err != nil {
			t.Errorf("README lists %s, which does not exist", path)
		}
		listed[path], last = description, path
	}
	packages := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || path == "." {
			return err
		}
		if d.Name() == ".git" || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		sources, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil || len(sources) == 0 {
			return err
		}
		packages++
		dir := filepath.ToSlash(path) + "/"
		parent := filepath.ToSlash(filepath.Dir(path)) + "/"
		if _, ok := listed[dir]; ok {
			return nil
		}
		if description, ok := listed[parent]; ok && strings.Contains(description, d.Name()+"/") {
			return nil
		}
		t.Errorf("README's Where things live does not list the package %s", dir)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if packages < 10 {
		t.Fatalf("found %d packages; the walk is broken", packages)
	}
}
