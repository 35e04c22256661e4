// Command encord-emulator serves an emulator of Encord's key-management API
// and SDK authentication. Run "encord-emulator help" for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `encord-emulator: an offline emulator of Encord's key management and SDK authentication.

Usage:
  encord-emulator [serve] [flags]        run the server (the default)
  encord-emulator migrate up|down|version [flags]
                                         manage the Postgres schema
  encord-emulator healthcheck [flags]    exit 0 when the server at --addr is ready
  encord-emulator keygen [-f FILE]       make an Ed25519 key pair the SDK can use
  encord-emulator sign [flags]           print the headers the SDK would send for a request
  encord-emulator help                   this text

Server, migrate and healthcheck flags default to the environment variable
named in their description.
Run "encord-emulator serve --help" for the server's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "encord-emulator:", err)
		os.Exit(1)
	}
}

// run dispatches to a subcommand; it is main without the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "migrate":
		return migrate(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, stdout, stderr)
	case "keygen":
		return keygen(ctx, args, stdout, stderr)
	case "sign":
		return sign(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown subcommand %q", cmd)
	}
}
