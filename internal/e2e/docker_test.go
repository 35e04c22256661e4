package e2e

import (
	"debug/elf"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// No Docker engine runs where the tests do. These tests check what can be
// checked without one: the Dockerfile's build (the very build TestMain runs)
// gives a static binary; the image's healthcheck works the way the image
// runs it; docker-compose.yml wires the services as the image needs.

// imageBinary is where the final stage puts the binary.
const imageBinary = "/encord-emulator"

func TestDockerfile(t *testing.T) {
	d, err := parseDockerfile(repoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.stages) != 2 {
		t.Fatalf("%d stages, want a builder and a final stage", len(d.stages))
	}
	builder, final := d.stages[0], d.stages[1]

	// The builder's Go is the module's.
	goVersion := moduleGoVersion(t)
	if want := "golang:" + goVersion + " AS build"; !strings.EqualFold(builder.from, want) {
		t.Errorf("builder: FROM %s, want FROM %s (go.mod says go %s)", builder.from, want, goVersion)
	}
	env, args, err := d.goBuild()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0"} {
		if !slices.Contains(env, want) {
			t.Errorf("go build runs without %s", want)
		}
	}
	for _, want := range []string{"-trimpath", "-ldflags=-s -w"} {
		if !slices.Contains(args, want) {
			t.Errorf("go build %s: no %s", strings.Join(args, " "), want)
		}
	}
	if args[len(args)-1] != "./cmd/server" {
		t.Errorf("go build builds %s, want ./cmd/server", args[len(args)-1])
	}

	// The final stage: static base, non-root, the binary as entrypoint.
	if final.from != "gcr.io/distroless/static-debian12:nonroot" && final.from != "scratch" {
		t.Errorf("final stage FROM %s: want distroless static (nonroot) or scratch", final.from)
	}
	copies := final.find("COPY")
	if len(copies) != 1 || !strings.HasPrefix(copies[0].args, "--from=build ") || !strings.HasSuffix(copies[0].args, " "+imageBinary) {
		t.Errorf("final stage copies %v, want the binary from the build stage to %s", copies, imageBinary)
	}
	user := final.find("USER")
	if len(user) != 1 {
		t.Errorf("final stage: %d USER instructions, want one", len(user))
	} else if name, _, _ := strings.Cut(user[0].args, ":"); name == "root" || name == "0" {
		t.Errorf("final stage runs as %s", user[0].args)
	}
	addr := dockerfileEnv(t, final)["EMULATOR_ADDR"]
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "0.0.0.0" {
		t.Errorf("ENV EMULATOR_ADDR=%q: inside a container the server must listen on 0.0.0.0", addr)
	}
	if expose := final.find("EXPOSE"); len(expose) != 1 || expose[0].args != port {
		t.Errorf("EXPOSE %v, want the port of EMULATOR_ADDR, %s", expose, port)
	}
	exec := func(keyword string) []string {
		ins := final.find(keyword)
		if len(ins) != 1 {
			t.Errorf("final stage: %d %s instructions, want one", len(ins), keyword)
			return nil
		}
		args := ins[0].args
		if keyword == "HEALTHCHECK" {
			i := strings.Index(args, "CMD ")
			if i < 0 {
				t.Errorf("HEALTHCHECK %s: no CMD", args)
				return nil
			}
			args = args[i+len("CMD "):]
		}
		// Exec form only: distroless has no shell.
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			t.Errorf("%s %s: not the exec (JSON array) form: %v", keyword, args, err)
		}
		return argv
	}
	if argv := exec("ENTRYPOINT"); !slices.Equal(argv, []string{imageBinary}) {
		t.Errorf("ENTRYPOINT %q, want [%q]", argv, imageBinary)
	}
	if argv := exec("CMD"); !slices.Equal(argv, []string{"serve"}) {
		t.Errorf(`CMD %q, want ["serve"]`, argv)
	}
	if argv := exec("HEALTHCHECK"); !slices.Equal(argv, []string{imageBinary, "healthcheck"}) {
		t.Errorf("HEALTHCHECK CMD %q, want [%q, \"healthcheck\"]", argv, imageBinary)
	}
}

// dockerfileEnv collects the ENV key=value pairs of a stage.
func dockerfileEnv(t *testing.T, s dockerStage) map[string]string {
	env := map[string]string{}
	for _, in := range s.find("ENV") {
		for _, kv := range strings.Fields(in.args) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Errorf("Dockerfile:%d: ENV %s: use the KEY=value form", in.line, in.args)
				continue
			}
			env[k] = v
		}
	}
	return env
}

// moduleGoVersion is the major.minor of go.mod's go line.
func moduleGoVersion(t *testing.T) string {
	b, err := os.ReadFile(repoFile(t, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// TestBinaryIsStatic: the Dockerfile's build runs on a base image without a
// C library, so the binary must need none: no program interpreter, no
// shared libraries.
func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(serverBinary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a program interpreter (PT_INTERP): it is dynamically linked")
		}
		if p.Type == elf.PT_DYNAMIC {
			t.Error("the binary has a dynamic section (PT_DYNAMIC)")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries (DT_NEEDED): %v", libs)
	}
	// -s: no symbol table.
	if _, err := f.Symbols(); err == nil {
		t.Error("the binary has a symbol table; the Dockerfile's -ldflags=\"-s -w\" strips it")
	}
}

// healthcheck runs the image's HEALTHCHECK: the binary's healthcheck
// subcommand, with the address coming from EMULATOR_ADDR as in the image.
func healthcheck(t *testing.T, addr string) (int, string) {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return runCommand(t, 10*time.Second, []string{"EMULATOR_ADDR=0.0.0.0:" + port, "EMULATOR_HEALTHCHECK_TIMEOUT=2s"}, "healthcheck")
}

// TestHealthcheckLikeTheImage runs the healthcheck as the image does:
// EMULATOR_ADDR=0.0.0.0:PORT, which the server listens on and the
// healthcheck probes on loopback.
func TestHealthcheckLikeTheImage(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "server")
	if code, out := healthcheck(t, srv.Addr); code != 0 {
		t.Fatalf("healthcheck of a ready server exited %d:\n%s", code, out)
	}
	srv.Kill()
	if code, out := healthcheck(t, srv.Addr); code == 0 {
		t.Fatalf("healthcheck of a dead server exited 0:\n%s", out)
	}
	nobody, err := testenv.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	if code, out := healthcheck(t, nobody); code == 0 {
		t.Fatalf("healthcheck of an address nobody listens on exited 0:\n%s", out)
	}
}

// compose is the part of docker-compose.yml the tests read.
type compose struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image       string                       `yaml:"image"`
	Build       string                       `yaml:"build"`
	DependsOn   map[string]composeDependency `yaml:"depends_on"`
	Environment map[string]string            `yaml:"environment"`
	Volumes     []string                     `yaml:"volumes"`
	Ports       []string                     `yaml:"ports"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

type composeDependency struct {
	Condition string `yaml:"condition"`
}

func readCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile(repoFile(t, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// composeServices returns the Postgres service and the emulator's (the one
// built from this repository).
func composeServices(t *testing.T, c compose) (pgName string, pg, emulator composeService) {
	t.Helper()
	var emulatorName string
	for name, s := range c.Services {
		switch {
		case strings.HasPrefix(s.Image, "postgres:"):
			pgName, pg = name, s
		case s.Build == ".":
			emulatorName, emulator = name, s
		}
	}
	if pgName == "" || emulatorName == "" {
		t.Fatalf("docker-compose.yml: want a postgres:15 service and one built from . (services: %v)", c.Services)
	}
	return pgName, pg, emulator
}

// seedMount maps the emulator's EMULATOR_SEED to the file in this
// repository that the compose file mounts there.
func seedMount(t *testing.T, emulator composeService) string {
	t.Helper()
	seed := emulator.Environment["EMULATOR_SEED"]
	for _, v := range emulator.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) != 3 || parts[2] != "ro" {
			continue
		}
		if rel, ok := strings.CutPrefix(seed, parts[1]+"/"); ok && strings.HasPrefix(parts[0], "./") {
			return repoFile(t, path.Join(parts[0], rel))
		}
	}
	t.Fatalf("EMULATOR_SEED=%q is not in a volume mounted read-only from the repository (volumes %v)", seed, emulator.Volumes)
	return ""
}

func TestComposeFile(t *testing.T) {
	c := readCompose(t)
	pgName, pg, emulator := composeServices(t, c)

	if pg.Image != "postgres:15" {
		t.Errorf("postgres image %s, want postgres:15 (the version the tests run)", pg.Image)
	}
	if pg.Healthcheck == nil || !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("postgres healthcheck %v, want pg_isready", pg.Healthcheck)
	}
	if dep, ok := emulator.DependsOn[pgName]; !ok || dep.Condition != "service_healthy" {
		t.Errorf("the emulator depends on %v, want %s with condition service_healthy", emulator.DependsOn, pgName)
	}
	if emulator.Healthcheck == nil || !slices.Equal(emulator.Healthcheck.Test, []string{"CMD", imageBinary, "healthcheck"}) {
		t.Errorf("emulator healthcheck %v, want [CMD %s healthcheck] (exec form: the image has no shell)", emulator.Healthcheck, imageBinary)
	}

	env := emulator.Environment
	if env["EMULATOR_STORE"] != "postgres" {
		t.Errorf("EMULATOR_STORE=%q, want postgres", env["EMULATOR_STORE"])
	}
	db, err := url.Parse(env["DATABASE_URL"])
	if err != nil || db.Hostname() != pgName {
		t.Errorf("DATABASE_URL=%q does not name the %s service", env["DATABASE_URL"], pgName)
	} else {
		password, _ := db.User.Password()
		if db.User.Username() != pg.Environment["POSTGRES_USER"] || password != pg.Environment["POSTGRES_PASSWORD"] || strings.TrimPrefix(db.Path, "/") != pg.Environment["POSTGRES_DB"] {
			t.Errorf("DATABASE_URL=%q does not match the postgres service's POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB", env["DATABASE_URL"])
		}
	}

	// The address: the compose file's, else the image's.
	d, err := parseDockerfile(repoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	addr := dockerfileEnv(t, d.stages[len(d.stages)-1])["EMULATOR_ADDR"]
	if a, ok := env["EMULATOR_ADDR"]; ok {
		addr = a
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "0.0.0.0" {
		t.Errorf("the emulator listens on %q inside its container; it must be 0.0.0.0 for the published port to reach it", addr)
	}
	if want := "127.0.0.1:8080:" + port; !slices.Contains(emulator.Ports, want) {
		t.Errorf("emulator ports %v, want %s (published on the host's loopback only)", emulator.Ports, want)
	}

	if _, err := os.Stat(seedMount(t, emulator)); err != nil {
		t.Errorf("the seed the compose file mounts: %v", err)
	}
}

// TestComposeEnvironment runs the server with the compose file's
// environment, its database and listen address swapped for the test's and
// its seed read from the mounted repository file: it comes up ready with
// the seed applied, as the container would.
func TestComposeEnvironment(t *testing.T) {
	t.Parallel()
	_, _, emulator := composeServices(t, readCompose(t))
	db := testenv.NewDatabase(t)
	var env []string
	for k, v := range emulator.Environment {
		switch k {
		case "DATABASE_URL", "EMULATOR_ADDR":
			continue // the test's database; launchServer's port
		case "EMULATOR_SEED":
			v = seedMount(t, emulator)
		}
		env = append(env, k+"="+v)
	}
	srv := startServer(t, "compose-emulator", append(env, db.Env...)...)
	if code, out := healthcheck(t, srv.Addr); code != 0 {
		t.Fatalf("healthcheck exited %d:\n%s", code, out)
	}

	var seed struct {
		Workspaces []struct {
			Name string `yaml:"name"`
		} `yaml:"workspaces"`
	}
	b, err := os.ReadFile(seedMount(t, emulator))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &seed); err != nil || len(seed.Workspaces) == 0 {
		t.Fatalf("%s: %v, %d workspaces", filepath.Base(seedMount(t, emulator)), err, len(seed.Workspaces))
	}
	c := testclient.NewForTest(t, srv.URL, testclient.Options{Timeout: 10 * time.Second})
	var names []string
	for _, w := range c.Must(t, http.StatusOK, http.MethodGet, "/_emulator/workspaces", "", nil).Items() {
		names = append(names, w["name"].(string))
	}
	for _, w := range seed.Workspaces {
		if !slices.Contains(names, w.Name) {
			t.Errorf("seed workspace %q not listed (listed: %v)", w.Name, names)
		}
	}
}

// TestServeHelp: the settings an operator of replicas needs are documented
// by the binary itself, with the variables that set them.
func TestServeHelp(t *testing.T) {
	t.Parallel()
	code, out := runCommand(t, commandTimeout, nil, "serve", "--help")
	if code != 0 {
		t.Fatalf("serve --help exited %d:\n%s", code, out)
	}
	for _, env := range []string{"EMULATOR_DB_MAX_CONNS", "EMULATOR_DB_STATEMENT_TIMEOUT", "EMULATOR_SHUTDOWN_TIMEOUT", "EMULATOR_REQUEST_TIMEOUT", "EMULATOR_MIGRATE", "DATABASE_URL"} {
		if !strings.Contains(out, "(env "+env+")") {
			t.Errorf("serve --help does not document %s:\n%s", env, out)
		}
	}
}
