package seed

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// Error is a seed file that cannot be loaded, or an entry of it that cannot
// be applied. Err is the cause, reachable with errors.Is and errors.As: an
// *errs.Error for a broken rule (its Code tells which), an *sshkey.Error for
// a bad key, an *fs.PathError for an unreadable key file, a *yaml.TypeError
// for a field of the wrong type or an unknown one.
type Error struct {
	// File is the seed file as given to Load; empty for a File built in code.
	File string
	// Line is the line of the entry in File; 0 when unknown or when the
	// error concerns the whole file (YAML errors give their own lines).
	Line int
	// Entry names the entry, for example
	// `workspaces[0] "Acme": serviceAccounts[1] "ci-bot": keys[0] "ci"`;
	// empty when the error concerns the whole file.
	Entry string
	Err   error
}

// Error reads "seed: FILE:LINE: ENTRY: CAUSE"; a coded cause is shown as
// "CODE: message", the way the management plane would answer it.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("seed: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Entry != "" {
		b.WriteString(e.Entry)
		b.WriteString(": ")
	}
	b.WriteString(describe(e.Err))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// describe renders a cause for a person reading a startup log.
func describe(err error) string {
	var coded *errs.Error
	if errors.As(err, &coded) {
		// The coded error's own cause (a store sentinel) adds nothing a
		// reader can act on; it stays reachable through Unwrap.
		return fmt.Sprintf("%s: %s", coded.Code, coded.Message)
	}
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		return strings.Join(typeErr.Errors, "; ")
	}
	return err.Error()
}

// entry locates one entry of a seed file, for errors.
type entry struct {
	file string
	line int
	path string
}

// child returns the entry list[i], named name, at line.
func (e entry) child(list string, i int, name string, line int) entry {
	return e.named(fmt.Sprintf("%s[%d] %q", list, i, name), line)
}

// named returns the entry called label below e, at line.
func (e entry) named(label string, line int) entry {
	path := label
	if e.path != "" {
		path = e.path + ": " + label
	}
	return entry{file: e.file, line: line, path: path}
}

// fail attributes err to the entry.
func (e entry) fail(err error) *Error {
	return &Error{File: e.file, Line: e.line, Entry: e.path, Err: err}
}
