package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// TestDefaultsDocumented: the comment beside each Default* constant in
// options.go, which go doc shows in place of the internal name the value
// comes from, is the constant's value.
func TestDefaultsDocumented(t *testing.T) {
	values := map[string]any{
		"DefaultAddr":                  server.DefaultAddr,
		"DefaultStore":                 server.DefaultStore,
		"DefaultDBMaxConns":            server.DefaultDBMaxConns,
		"DefaultDBStatementTimeout":    server.DefaultDBStatementTimeout,
		"DefaultSessionTTL":            server.DefaultSessionTTL,
		"DefaultBearerTTL":             server.DefaultBearerTTL,
		"DefaultSignatureMaxAge":       server.DefaultSignatureMaxAge,
		"DefaultSignatureMaxFuture":    server.DefaultSignatureMaxFuture,
		"DefaultMaxBodyBytes":          server.DefaultMaxBodyBytes,
		"DefaultRequestTimeout":        server.DefaultRequestTimeout,
		"DefaultShutdownTimeout":       server.DefaultShutdownTimeout,
		"DefaultLastUsedFlushInterval": server.DefaultLastUsedFlushInterval,
	}
	file, err := parser.ParseFile(token.NewFileSet(), "options.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	documented := 0
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || !strings.HasPrefix(spec.Names[0].Name, "Default") {
			return true
		}
		name := spec.Names[0].Name
		documented++
		value, ok := values[name]
		if !ok {
			t.Errorf("%s is not checked by this test: add it to the table", name)
			return true
		}
		if spec.Comment == nil {
			t.Errorf("%s has no comment giving its value", name)
			return true
		}
		comment, _, _ := strings.Cut(strings.TrimSpace(spec.Comment.Text()), " ")
		if !sameValue(comment, value) {
			t.Errorf("%s: the comment says %s, the value is %v", name, comment, value)
		}
		return true
	})
	if documented != len(values) {
		t.Errorf("options.go defines %d Default* constants, the test knows %d", documented, len(values))
	}
}

// sameValue reports whether text, as written in a comment, is v.
func sameValue(text string, v any) bool {
	switch v := v.(type) {
	case time.Duration:
		d, err := time.ParseDuration(text)
		return err == nil && d == v
	case int:
		n, err := strconv.Atoi(text)
		return err == nil && n == v
	case string:
		return text == v
	}
	return false
}
