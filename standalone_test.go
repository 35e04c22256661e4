package emulator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outsideReference matches what points outside the repository: the
// documents the project started from, the folder beside the repository
// that held them, and paths of one machine. The character classes keep
// this file from matching itself.
var outsideReference = regexp.MustCompile(`\.\./shared|shared/test[d]ata|design\.md|protocol[ ]§|encord-sdk-[p]rotocol|/wor[k]/`)

// TestRepositoryStandsAlone fails when a file of the repository refers to a
// document or a path outside it: what a maintainer needs is written in
// docs/, in the project's own words.
func TestRepositoryStandsAlone(t *testing.T) {
	scanned := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" || d.IsDir() && path == "bin" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil // a worktree's pointer to its repository
		}
		if d.IsDir() {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(src, 0) >= 0 {
			return nil // a binary: a built program, an image
		}
		scanned++
		for i, line := range strings.Split(string(src), "\n") {
			if m := outsideReference.FindString(line); m != "" {
				t.Errorf("%s:%d refers to %q, outside the repository; write what it needs into docs/", path, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 100 {
		t.Fatalf("scanned %d files; the walk is broken", scanned)
	}
}
