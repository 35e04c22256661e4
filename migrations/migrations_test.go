package migrations_test

import (
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/encord-emulator/encord-emulator/migrations"
)

var migrationName = regexp.MustCompile(`^(\d{6})_[a-z0-9_]+\.(up|down)\.sql$`)

// TestFilesArePairedAndContiguous checks the naming rules golang-migrate and
// the store's "schema newer than this binary" check rely on: every version
// has an up and a down file, and versions run 1, 2, 3, ... without gaps.
func TestFilesArePairedAndContiguous(t *testing.T) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	directions := map[int]map[string]bool{}
	for _, e := range entries {
		match := migrationName.FindStringSubmatch(e.Name())
		if match == nil {
			t.Errorf("%s: not a migration name (NNNNNN_name.up.sql or .down.sql)", e.Name())
			continue
		}
		version, _ := strconv.Atoi(match[1])
		if directions[version] == nil {
			directions[version] = map[string]bool{}
		}
		directions[version][match[2]] = true
	}
	if len(directions) == 0 {
		t.Fatal("no migrations embedded")
	}
	for v := 1; v <= len(directions); v++ {
		d, ok := directions[v]
		if !ok {
			t.Errorf("version %d missing: versions must be contiguous from 1", v)
			continue
		}
		if !d["up"] || !d["down"] {
			t.Errorf("version %d: up=%t down=%t, want both", v, d["up"], d["down"])
		}
	}
}

// TestSourceReadsEveryVersion walks the embedded files the way migrate does.
func TestSourceReadsEveryVersion(t *testing.T) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	version, err := src.First()
	if err != nil {
		t.Fatal(err)
	}
	for count := 1; ; count++ {
		if version != uint(count) {
			t.Fatalf("version %d at position %d", version, count)
		}
		up, _, err := src.ReadUp(version)
		if err != nil {
			t.Fatalf("up %d: %v", version, err)
		}
		up.Close()
		down, _, err := src.ReadDown(version)
		if err != nil {
			t.Fatalf("down %d: %v", version, err)
		}
		down.Close()

		version, err = src.Next(version)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
