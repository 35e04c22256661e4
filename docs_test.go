package emulator

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

var (
	qualifiedName = regexp.MustCompile(`^[A-Za-z_]\w*(\.[A-Za-z_]\w*){1,2}$`)
	testName      = regexp.MustCompile(`^(Test|Fuzz|Benchmark|Example)\w*(/.+)?$`)
	subtestPath   = regexp.MustCompile(`^[A-Z]\w*(/[^/` + "`" + `]+)+$`)
	exportedName  = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$`)
	camelName     = regexp.MustCompile(`^[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*$`)
	repoPath      = regexp.MustCompile(`^(internal|pkg|cmd|migrations|docs|scripts|examples)/[\w./-]*$`)
	fileName      = regexp.MustCompile(`^\w[\w./-]*\.(go|md|yaml|yml|json|sql|txt|pem|sh|png)$`)
)

// checkName says what is wrong with a backquoted span of a document that
// names code, or "" when it names something real or is not a Go name.
func (ix *codeIndex) checkName(span string) string {
	switch {
	case repoPath.MatchString(span):
		if _, err := os.Stat(strings.TrimSuffix(strings.TrimSuffix(span, "..."), "/")); err != nil {
			return "no such file or directory in the repository"
		}
	case testName.MatchString(span):
		test, subtests, _ := strings.Cut(span, "/")
		if !ix.tests[test] {
			return "no test function " + test
		}
		if subtests != "" {
			return ix.checkSubtests(subtests)
		}
	case fileName.MatchString(span):
		// A file of the repository, by its name or the end of its path.
		if !ix.hasFile(span) {
			return "no file of the repository has that name"
		}
	case qualifiedName.MatchString(span):
		parts := strings.Split(span, ".")
		if names, isPkg := ix.decls[parts[0]]; isPkg && parts[0] != strings.ToUpper(parts[0][:1])+parts[0][1:] {
			if !names[parts[1]] && !ix.hasMethod(parts[0], parts[1]) {
				return "package " + parts[0] + " declares no " + parts[1]
			}
			if len(parts) == 3 && !ix.member(parts[0], parts[1], parts[2]) {
				return parts[0] + "." + parts[1] + " has no method or field " + parts[2]
			}
			return ""
		}
		pkgs, isType := ix.typePkgs[parts[0]]
		if !isType {
			if exportedName.MatchString(parts[0]) {
				return "no package or type " + parts[0]
			}
			return "" // a column, a receiver variable: not checked
		}
		for _, pkg := range pkgs {
			if ix.member(pkg, parts[0], parts[1]) {
				return ""
			}
		}
		return "type " + parts[0] + " has no method or field " + parts[1]
	case subtestPath.MatchString(span):
		return ix.checkSubtests(span)
	case exportedName.MatchString(span):
		// A type, a field, a constant, or a clause of the conformance suite.
		if !ix.declared(span) && !ix.literal[span] {
			return "no declaration and no string literal of that name"
		}
	case camelName.MatchString(span):
		// An unexported function, or a JSON field named in a struct tag.
		if !ix.declared(span) && !ix.inLiteral(span) {
			return "no declaration and no string literal holding that name"
		}
	}
	return ""
}

// checkSubtests checks a subtest path (A/b c, Group/Name, Group/*): the
// whole path, or each of its segments, must be a string literal of the code
// exactly, where subtests get their names (t.Run, a table's name column).
func (ix *codeIndex) checkSubtests(path string) string {
	if prefix, ok := strings.CutSuffix(path, "/*"); ok {
		if !ix.literalWithPrefix(prefix + "/") {
			return "no subtest under " + strconv.Quote(prefix)
		}
		return ""
	}
	if ix.literal[path] {
		return ""
	}
	for seg := range strings.SplitSeq(path, "/") {
		if !ix.literal[seg] {
			return "no subtest named " + strconv.Quote(seg)
		}
	}
	return ""
}

// backquoted yields the backquoted spans of a Markdown document outside
// fenced blocks, with their line numbers. A span may wrap onto the next
// line; its line break and indentation read as one space.
func backquoted(t *testing.T, doc string) (spans []string, lines []int) {
	t.Helper()
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	var prose strings.Builder // the document with its fenced blocks blanked
	inFence := false
	for line := range strings.Lines(string(src)) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			prose.WriteString("\n")
			continue
		}
		if inFence {
			prose.WriteString("\n")
			continue
		}
		prose.WriteString(line)
	}
	text := prose.String()
	for _, m := range codeSpan.FindAllStringSubmatchIndex(text, -1) {
		span := strings.Join(strings.Fields(text[m[2]:m[3]]), " ")
		spans = append(spans, span)
		lines = append(lines, 1+strings.Count(text[:m[0]], "\n"))
	}
	return spans, lines
}

// codeSpan is a backquoted span, which may wrap once onto the next line.
var codeSpan = regexp.MustCompile("`([^`\n]+(?:\n[^`\n]+)?)`")

// documentsNamingCode are the documents whose backquoted Go names,
// tests and paths must exist in the code.
var documentsNamingCode = []string{"docs/rules.md", "docs/architecture.md"}

// TestDocsNameRealCode fails when docs/rules.md or docs/architecture.md
// names, in backquotes, a function, type, method, field, test, subtest or
// path of the repository that does not exist, so the documents follow
// every rename.
func TestDocsNameRealCode(t *testing.T) {
	ix := indexCode(t, ".")
	for _, doc := range documentsNamingCode {
		spans, lines := backquoted(t, doc)
		if len(spans) == 0 {
			t.Fatalf("%s: no backquoted name at all; the scan is broken", doc)
		}
		for i, span := range spans {
			if why := ix.checkName(span); why != "" {
				t.Errorf("%s:%d: `%s`: %s", doc, lines[i], span, why)
			}
		}
	}
}

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

// TestCheckNameRefusesWhatDoesNotExist checks the check of
// TestDocsNameRealCode: every kind of name it reads is refused when the
// code has no such thing, and accepted when it has.
func TestCheckNameRefusesWhatDoesNotExist(t *testing.T) {
	ix := indexCode(t, ".")
	for _, span := range []string{
		"accounts.Service.AddMember", "accounts.AddMember", "accounts.checkCaller",
		"store.Tx.CreateMember", "Tx.CreateMember", "store.ErrNotFound", "like.Pattern.Match",
		"TestRules", "TestRules/a user belongs to one workspace", "FuzzCheckJSON",
		"Identity/SameTransaction", "Purge/*", "SameEmailAsMemberAndServiceAccount",
		"internal/accounts", "internal/store/postgres/errors.go", "docs_test.go", "canSee",
	} {
		if why := ix.checkName(span); why != "" {
			t.Errorf("`%s` exists, but the check says: %s", span, why)
		}
	}
	for _, span := range []string{
		"accounts.AddMembers", "accounts.Service.addMember", "accounts.NoSuchType.Method",
		"store.Tx.CreateMembers", "Tx.CreateMembers", "NoSuchType.Method", "store.ErrMissing",
		"TestRulez", "TestRules/a user belongs to two workspaces", "FuzzNothing",
		"Identity/DifferentTransaction", "Purgatory/*", "SameEmailAsMemberAndServiceAccounts",
		"internal/accountz", "internal/store/postgres/errorz.go", "docs_tests.go", "canSeeAll",
	} {
		if ix.checkName(span) == "" {
			t.Errorf("`%s` does not exist, but the check accepts it", span)
		}
	}
}

// TestEveryRuleNamesItsCodeAndTests fails when a rule of docs/rules.md has
// no row in its Summary (or a row has no section), or when a row does not
// name, in backquotes, the code that enforces the rule and a test that
// pins it. TestDocsNameRealCode checks that those names exist.
func TestEveryRuleNamesItsCodeAndTests(t *testing.T) {
	src, err := os.ReadFile("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "\n## Summary\n")
	if !ok {
		t.Fatal("docs/rules.md has no Summary")
	}
	summary, body, _ := strings.Cut(rest, "\n## ")
	sections := map[string]bool{}
	for line := range strings.Lines(body) {
		if title, ok := strings.CutPrefix(line, "### "); ok {
			sections[strings.TrimSpace(title)] = true
		}
	}
	rows := map[string]bool{}
	for line := range strings.Lines(summary) {
		cells := strings.Split(line, "|")
		if len(cells) != 6 || strings.TrimSpace(cells[1]) == "rule" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		rule := strings.TrimSpace(cells[1])
		rows[rule] = true
		if !sections[rule] {
			t.Errorf("docs/rules.md: the Summary names %q, which has no section", rule)
		}
		code, tests := false, false
		for _, m := range codeSpan.FindAllStringSubmatch(cells[3], -1) {
			code = code || qualifiedName.MatchString(m[1]) || repoPath.MatchString(m[1])
		}
		for _, m := range codeSpan.FindAllStringSubmatch(cells[4], -1) {
			tests = tests || testName.MatchString(m[1])
		}
		if !code {
			t.Errorf("docs/rules.md, Summary: %q names no function or package that enforces it", rule)
		}
		if !tests {
			t.Errorf("docs/rules.md, Summary: %q names no test that pins it", rule)
		}
	}
	for rule := range sections {
		if !rows[rule] {
			t.Errorf("docs/rules.md: the rule %q has no row in the Summary", rule)
		}
	}
	if len(rows) < 10 {
		t.Fatalf("read %d rows of the Summary; the table was not read", len(rows))
	}
}

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
