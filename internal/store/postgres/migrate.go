package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/encord-emulator/encord-emulator/migrations"
)

// Schema states that keep a server from using a database. Open and Ping wrap
// them, so callers test with errors.Is.
var (
	// ErrSchemaTooNew: the database was migrated by a newer build than this
	// one. Running against it could corrupt data; upgrade the binary.
	ErrSchemaTooNew = errors.New("database schema is newer than this build supports")
	// ErrSchemaOutdated: migrations have not (all) been applied yet.
	ErrSchemaOutdated = errors.New("database schema is not migrated to this build's version")
	// ErrSchemaDirty: a migration failed half-way and needs an operator.
	ErrSchemaDirty = errors.New("database schema is dirty (a migration failed)")
)

// LatestVersion returns the version of the newest embedded migration: the
// schema version this build expects.
func LatestVersion() (uint, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return 0, fmt.Errorf("postgres: reading embedded migrations: %w", err)
	}
	defer src.Close()
	version, err := src.First()
	if err != nil {
		return 0, fmt.Errorf("postgres: reading embedded migrations: %w", err)
	}
	for {
		next, err := src.Next(version)
		if errors.Is(err, fs.ErrNotExist) {
			return version, nil
		}
		if err != nil {
			return 0, fmt.Errorf("postgres: reading embedded migrations: %w", err)
		}
		version = next
	}
}

// checkSchemaVersion compares the version recorded by golang-migrate with the
// embedded one. applied is 0 when no migration ever ran.
func checkSchemaVersion(applied uint, dirty bool) error {
	latest, err := LatestVersion()
	if err != nil {
		return err
	}
	switch {
	case applied > latest:
		return fmt.Errorf("%w: database is at version %d, this build knows up to %d", ErrSchemaTooNew, applied, latest)
	case dirty:
		return fmt.Errorf("%w: version %d; fix the database by hand, then force the version", ErrSchemaDirty, applied)
	case applied < latest:
		return fmt.Errorf("%w: database is at version %d, this build needs %d; run migrate up", ErrSchemaOutdated, applied, latest)
	}
	return nil
}

// Migrator applies the embedded migrations with golang-migrate. It holds one
// database connection; Close it when done. Migrations of several processes
// against one database are serialised by golang-migrate's advisory lock.
type Migrator struct {
	migrate *migrate.Migrate
}

// NewMigrator connects to the database named by dsn (a URL, a key=value
// string, or "" to use only the PG* environment variables, as libpq does).
// Of opts only ConnectTimeout and Schema are used; migrations run without a
// statement timeout.
func NewMigrator(ctx context.Context, dsn string, opts Options) (*Migrator, error) {
	connConfig, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parsing connection string: %w", err)
	}
	opts = opts.withDefaults()
	connConfig.ConnectTimeout = opts.ConnectTimeout
	if opts.Schema != "" {
		connConfig.RuntimeParams["search_path"] = opts.Schema
	}
	db := stdlib.OpenDB(*connConfig)
	// golang-migrate pins one connection for its advisory lock; a second
	// serves the version table.
	db.SetMaxOpenConns(2)

	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connecting for migrations: %w", translate(err))
	}
	driver, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: preparing migrations: %w", translate(err))
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		driver.Close()
		return nil, fmt.Errorf("postgres: reading embedded migrations: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		src.Close()
		driver.Close()
		return nil, fmt.Errorf("postgres: preparing migrations: %w", err)
	}
	return &Migrator{migrate: m}, nil
}

// Up applies every migration not yet applied. It refuses a database whose
// schema is newer than this build (ErrSchemaTooNew) or dirty
// (ErrSchemaDirty). Up on an up-to-date database is a no-op.
func (m *Migrator) Up(ctx context.Context) error {
	// Read without golang-migrate's lock, so the version may be one that a
	// concurrent Up of this same build is applying; only "newer than this
	// build" is decided here, which no such peer can cause. Dirtiness is
	// judged by golang-migrate itself, under the lock.
	version, _, err := m.Version()
	if err != nil {
		return err
	}
	if latest, err := LatestVersion(); err != nil {
		return err
	} else if version > latest {
		return fmt.Errorf("postgres: migrate up: %w", checkSchemaVersion(version, false))
	}
	return m.run(ctx, "up", m.migrate.Up)
}

// Down reverts every applied migration, dropping all of the store's tables.
func (m *Migrator) Down(ctx context.Context) error {
	return m.run(ctx, "down", m.migrate.Down)
}

// Version returns the applied schema version, 0 when none was applied, and
// whether the last migration failed half-way.
func (m *Migrator) Version() (version uint, dirty bool, err error) {
	version, dirty, err = m.migrate.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("postgres: reading schema version: %w", translate(err))
	}
	return version, dirty, nil
}

// Close releases the migrator's connections.
func (m *Migrator) Close() error {
	srcErr, dbErr := m.migrate.Close()
	return errors.Join(srcErr, dbErr)
}

// run executes one golang-migrate operation, asking it to stop after the
// migration in progress when ctx ends (golang-migrate takes no context).
func (m *Migrator) run(ctx context.Context, name string, op func() error) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			select {
			case m.migrate.GracefulStop <- true:
			default:
			}
		case <-done:
		}
	}()

	err := op()
	var dirty migrate.ErrDirty
	switch {
	case errors.Is(err, migrate.ErrNoChange):
		err = nil
	case errors.As(err, &dirty):
		err = fmt.Errorf("%w: version %d; fix the database by hand, then force the version", ErrSchemaDirty, dirty.Version)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", name, translate(err))
	}
	return nil
}

// MigrateUp applies the embedded migrations to the database named by dsn.
func MigrateUp(ctx context.Context, dsn string, opts Options) error {
	return withMigrator(ctx, dsn, opts, func(m *Migrator) error { return m.Up(ctx) })
}

// MigrateDown reverts every migration of the database named by dsn.
func MigrateDown(ctx context.Context, dsn string, opts Options) error {
	return withMigrator(ctx, dsn, opts, func(m *Migrator) error { return m.Down(ctx) })
}

// MigrationVersion returns the applied schema version of the database named
// by dsn (0 when none) and whether it is dirty.
func MigrationVersion(ctx context.Context, dsn string, opts Options) (version uint, dirty bool, err error) {
	err = withMigrator(ctx, dsn, opts, func(m *Migrator) error {
		version, dirty, err = m.Version()
		return err
	})
	return version, dirty, err
}

func withMigrator(ctx context.Context, dsn string, opts Options, fn func(*Migrator) error) error {
	m, err := NewMigrator(ctx, dsn, opts)
	if err != nil {
		return err
	}
	return errors.Join(fn(m), m.Close())
}

// readSchemaVersion reads golang-migrate's version table directly, without
// creating it: a database nobody migrated yet is at version 0.
func readSchemaVersion(ctx context.Context, q querier) (version uint, dirty bool, err error) {
	var v int64
	err = q.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &dirty)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) || isUndefinedTable(err) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("postgres: reading schema version: %w", translate(err))
	}
	if v < 0 {
		// golang-migrate records -1 while no version is applied.
		return 0, dirty, nil
	}
	return uint(v), dirty, nil
}
