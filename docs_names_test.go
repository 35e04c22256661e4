package emulator

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// documentsNamingCode are the documents whose backquoted Go names, tests
// and paths must exist in the code. docs/sdk-protocol.md is not among them:
// the names it gives are the SDK's, in Python.
var documentsNamingCode = []string{"README.md", "docs/architecture.md", "docs/rules.md", "docs/faults.md"}

// TestDocsNameRealCode fails when a document of documentsNamingCode names,
// in backquotes, a function, type, method, field, test, subtest or path of
// the repository that does not exist, so the documents follow every
// rename.
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
			// A test function, or a clause of the conformance suite.
			tests = tests || testName.MatchString(m[1]) || subtestPath.MatchString(m[1])
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
