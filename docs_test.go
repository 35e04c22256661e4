package emulator

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docCitation matches a citation of a section of a document in docs/, as
// comments write it: "docs/sdk-protocol.md, v2 signing".
var docCitation = regexp.MustCompile(`docs/([a-z0-9-]+\.md), ([^\n]+)`)

// wrappedCitation is a citation cut at the end of a line after its comma:
// "(docs/rules.md," then "// Workspace roles)" on the next line.
var wrappedCitation = regexp.MustCompile(`(docs/[a-z0-9-]+\.md),\s*$`)

// TestDocCitationsNameRealSections fails when a Go file cites a document of
// docs/ that does not exist, or a section title the document does not have:
// section titles are stable so that citations keep pointing somewhere.
func TestDocCitationsNameRealSections(t *testing.T) {
	headings := map[string][]string{} // document → its section titles
	titlesOf := func(doc string) ([]string, bool) {
		if h, ok := headings[doc]; ok {
			return h, true
		}
		f, err := os.Open(filepath.Join("docs", doc))
		if err != nil {
			return nil, false
		}
		defer f.Close()
		var titles []string
		inFence := false
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "```") {
				inFence = !inFence
			}
			if !inFence && strings.HasPrefix(line, "#") {
				titles = append(titles, strings.TrimSpace(strings.TrimLeft(line, "#")))
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		headings[doc] = titles
		return titles, true
	}

	cited := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			// A citation wrapped after its comma goes on in the next comment line.
			if m := wrappedCitation.FindStringSubmatch(line); m != nil && i+1 < len(lines) {
				next := strings.TrimLeft(strings.TrimSpace(lines[i+1]), "/ \t")
				line = line[:len(line)-len(m[0])] + m[1] + ", " + next
			}
			for _, m := range docCitation.FindAllStringSubmatch(line, -1) {
				cited++
				doc, rest := m[1], m[2]
				titles, ok := titlesOf(doc)
				if !ok {
					t.Errorf("%s:%d cites docs/%s, which does not exist", path, i+1, doc)
					continue
				}
				if !startsWithTitle(rest, titles) {
					t.Errorf("%s:%d cites docs/%s, %q: no section of docs/%s has that title (write the title on the same line as the file name)",
						path, i+1, doc, rest, doc)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited == 0 {
		t.Fatal("found no citation of docs/ at all; the pattern or the walk is broken")
	}
}

// startsWithTitle reports whether s begins with one of titles, followed by
// the end of s or by a character that cannot continue a title.
func startsWithTitle(s string, titles []string) bool {
	for _, title := range titles {
		rest, ok := strings.CutPrefix(s, title)
		if ok && (rest == "" || strings.ContainsRune(").,;:\"'`", rune(rest[0]))) {
			return true
		}
	}
	return false
}
