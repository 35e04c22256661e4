package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/server"
)

// envFlags defines flags whose defaults come from environment variables. A
// malformed variable is reported by name when the flags are parsed.
type envFlags struct {
	*flag.FlagSet
	errs []error
}

func newEnvFlags(name string, stderr io.Writer, help string) *envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, help)
		fs.PrintDefaults()
	}
	return &envFlags{FlagSet: fs}
}

func (f *envFlags) describe(env, text string) string {
	return fmt.Sprintf("%s (env %s)", text, env)
}

func (f *envFlags) string(p *string, name, env, def, text string) {
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	f.StringVar(p, name, def, f.describe(env, text))
}

func (f *envFlags) duration(p *time.Duration, name, env string, def time.Duration, text string) {
	if v, ok := os.LookupEnv(env); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q is not a duration such as 30s or 1h", env, v))
		} else {
			def = d
		}
	}
	f.DurationVar(p, name, def, f.describe(env, text))
}

func (f *envFlags) int64(p *int64, name, env string, def int64, text string) {
	if v, ok := os.LookupEnv(env); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q is not an integer", env, v))
		} else {
			def = n
		}
	}
	f.Int64Var(p, name, def, f.describe(env, text))
}

func (f *envFlags) bool(p *bool, name, env string, def bool, text string) {
	if v, ok := os.LookupEnv(env); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q is not a boolean (true or false)", env, v))
		} else {
			def = b
		}
	}
	f.BoolVar(p, name, def, f.describe(env, text))
}

// parse parses args, then reports the first malformed environment variable.
func (f *envFlags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; see --help", f.Arg(0))
	}
	if len(f.errs) > 0 {
		return f.errs[0]
	}
	return nil
}

// addrFlag defines --addr, shared by serve and healthcheck so that the
// healthcheck of a container probes the address the server listens on.
func addrFlag(f *envFlags, p *string) {
	f.string(p, "addr", "EMULATOR_ADDR", server.DefaultAddr, "listen address; use 0.0.0.0:8080 inside a container")
}

// databaseFlags defines the Postgres connection flags, shared by serve and
// migrate.
func databaseFlags(f *envFlags, o *server.Options) {
	f.string(&o.DatabaseURL, "database-url", "DATABASE_URL", "", `Postgres URL (postgres://user:pass@host:5432/db); empty uses the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)`)
	f.int64(&o.DBMaxConns, "db-max-conns", "EMULATOR_DB_MAX_CONNS", server.DefaultDBMaxConns, "size of the Postgres connection pool")
	f.duration(&o.DBStatementTimeout, "db-statement-timeout", "EMULATOR_DB_STATEMENT_TIMEOUT", server.DefaultDBStatementTimeout, "longest a Postgres statement may run (lock waits included) before the request answers 503")
}

// Defaults of the flags only the binary has (Options take a
// *slog.Logger).
const (
	defaultLogLevel  = "info"
	defaultLogFormat = "text"
	// defaultConsole: the binary serves the web console unless told not
	// to; pkg/server's Options leave it off unless asked (Options.Console).
	defaultConsole = true
)

// logFlags defines the logging flags and returns a constructor for the
// logger they describe.
func logFlags(f *envFlags, stderr io.Writer) func() (*slog.Logger, error) {
	var level, format string
	f.string(&level, "log-level", "EMULATOR_LOG_LEVEL", defaultLogLevel, "log level: debug, info, warn or error")
	f.string(&format, "log-format", "EMULATOR_LOG_FORMAT", defaultLogFormat, "log format: text or json")
	return func() (*slog.Logger, error) {
		var lvl slog.Level
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
		}
		opts := &slog.HandlerOptions{Level: lvl}
		switch strings.ToLower(format) {
		case "text":
			return slog.New(slog.NewTextHandler(stderr, opts)), nil
		case "json":
			return slog.New(slog.NewJSONHandler(stderr, opts)), nil
		default:
			return nil, fmt.Errorf("--log-format %q: use text or json", format)
		}
	}
}
