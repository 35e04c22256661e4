package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// codeDefaults are the defaults of serve's flags as the code defines them:
// pkg/server's Default* constants (what a zero Options field takes) and the
// binary's own logging defaults.
func codeDefaults() map[string]string {
	return map[string]string{
		"addr":                     server.DefaultAddr,
		"store":                    server.DefaultStore,
		"database-url":             "",
		"migrate":                  strconv.FormatBool(!server.Options{}.SkipMigrations),
		"db-max-conns":             strconv.Itoa(server.DefaultDBMaxConns),
		"db-statement-timeout":     server.DefaultDBStatementTimeout.String(),
		"seed":                     "",
		"admin-token":              "",
		"session-ttl":              server.DefaultSessionTTL.String(),
		"bearer-ttl":               server.DefaultBearerTTL.String(),
		"signature-max-age":        server.DefaultSignatureMaxAge.String(),
		"signature-max-future":     server.DefaultSignatureMaxFuture.String(),
		"max-body-bytes":           strconv.Itoa(server.DefaultMaxBodyBytes),
		"request-timeout":          server.DefaultRequestTimeout.String(),
		"shutdown-timeout":         server.DefaultShutdownTimeout.String(),
		"read-header-timeout":      server.DefaultReadHeaderTimeout.String(),
		"read-timeout":             server.DefaultReadTimeout.String(),
		"idle-timeout":             server.DefaultIdleTimeout.String(),
		"last-used-flush-interval": server.DefaultLastUsedFlushInterval.String(),
		"console":                  strconv.FormatBool(defaultConsole),
		"log-level":                defaultLogLevel,
		"log-format":               defaultLogFormat,
	}
}

// setting is one flag of serve: its environment variable and its default.
type setting struct{ env, def string }

// TestConfigurationDefaults: README's configuration table, serve --help and
// the code name the same flags, with the same environment variables and
// the same defaults.
func TestConfigurationDefaults(t *testing.T) {
	withoutEmulatorEnvironment(t)
	help := serveHelpSettings(t)
	readme := readmeSettings(t)
	code := codeDefaults()
	for name, def := range code {
		h, inHelp := help[name]
		r, inREADME := readme[name]
		switch {
		case !inHelp:
			t.Errorf("--%s: not in serve --help", name)
		case normalize(h.def) != normalize(def):
			t.Errorf("--%s: serve --help says default %q, the code %q", name, h.def, def)
		}
		switch {
		case !inREADME:
			t.Errorf("--%s: not in README's configuration table", name)
		case normalize(r.def) != normalize(def):
			t.Errorf("--%s: README says default %q, the code %q", name, r.def, def)
		case inHelp && r.env != h.env:
			t.Errorf("--%s: README says environment variable %s, serve --help %s", name, r.env, h.env)
		}
	}
	for name := range help {
		if _, ok := code[name]; !ok {
			t.Errorf("--%s of serve --help is not in this test's table of defaults", name)
		}
	}
	for name := range readme {
		if _, ok := help[name]; !ok {
			t.Errorf("--%s of README's configuration table is not a flag of serve", name)
		}
	}
}

// withoutEmulatorEnvironment unsets, for the test, the variables that
// change the defaults serve --help shows.
func withoutEmulatorEnvironment(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "EMULATOR_") || name == "DATABASE_URL" {
			t.Setenv(name, "") // restores it after the test
			os.Unsetenv(name)
		}
	}
}

// helpFlag matches one flag of the flag package's PrintDefaults: its name
// line, then its usage, which ends with "(env NAME)" and, unless the
// default is the zero value, "(default VALUE)".
var helpFlag = regexp.MustCompile(`(?m)^  -([a-z-]+)(?: \w+)?\n\s+.*\(env ([A-Z_]+)\)(?: \(default (.*)\))?$`)

func serveHelpSettings(t *testing.T) map[string]setting {
	t.Helper()
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--help"}, &bytes.Buffer{}, &stderr); err == nil {
		t.Fatal("serve --help returned no error")
	}
	settings := map[string]setting{}
	for _, m := range helpFlag.FindAllStringSubmatch(stderr.String(), -1) {
		def := m[3]
		if unquoted, err := strconv.Unquote(def); err == nil {
			def = unquoted
		}
		settings[m[1]] = setting{env: m[2], def: def}
	}
	if len(settings) == 0 {
		t.Fatalf("no flag found in serve --help:\n%s", stderr.String())
	}
	return settings
}

// readmeSettings reads the table of README's "Configuration" section:
// | `--flag` | `ENV` | `default` | meaning |, where a row may name several
// flags, variables and defaults separated by commas, and a default in
// parentheses describes an empty value.
func readmeSettings(t *testing.T) map[string]setting {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n#")
	settings := map[string]setting{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`--") {
			continue
		}
		flags, envs, defs := readmeCell(cells[1]), readmeCell(cells[2]), readmeCell(cells[3])
		if len(envs) != len(flags) || (len(defs) != len(flags) && len(defs) != 1) {
			t.Fatalf("README row %q: %d flags, %d variables, %d defaults", line, len(flags), len(envs), len(defs))
		}
		for i, flag := range flags {
			def := defs[0]
			if len(defs) > 1 {
				def = defs[i]
			}
			if strings.HasPrefix(def, "(") {
				def = ""
			}
			name := strings.TrimPrefix(flag, "--")
			if _, twice := settings[name]; twice {
				t.Errorf("README's configuration table has two rows for --%s", name)
			}
			settings[name] = setting{env: envs[i], def: def}
		}
	}
	if len(settings) == 0 {
		t.Fatal("README's Configuration section has no table of flags")
	}
	return settings
}

// readmeCell splits a table cell at commas and strips the backticks.
func readmeCell(cell string) []string {
	var out []string
	for part := range strings.SplitSeq(cell, ",") {
		out = append(out, strings.Trim(strings.TrimSpace(part), "`"))
	}
	return out
}

// normalize writes a duration in one way ("24h" and "24h0m0s" are the
// same default); any other value is left as it is.
func normalize(v string) string {
	if d, err := time.ParseDuration(v); err == nil && strings.ContainsAny(v, "hmsu") {
		return d.String()
	}
	return v
}
