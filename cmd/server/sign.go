package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

const signHelp = `Usage: encord-emulator sign [flags]

Prints the headers the Encord SDK would send for one request, signed with
an Ed25519 private key (or carrying a bearer token), so that curl can make
the request as the SDK would:

  curl -H @<(encord-emulator sign --key encord-key --target /v2/public/user/current-organisation/groups) \
    http://127.0.0.1:8080/v2/public/user/current-organisation/groups

The signing scheme follows the target's path, as in the SDK:

  /public, /public/user   v1: POST only; Authorization signs the body and
                          nothing else; ResourceType and ResourceID are sent
                          (empty unless --resource-type, --resource-id)
  /v2/public/...          v2: Content-Digest, Signature-Input and Signature
                          cover the method, the target and the body; created
                          is now - 30 s, as the SDK sends it, unless --created

The method defaults to what curl infers: POST with a body, GET without one
(v1 is always POST).

--format headers (the default) prints one "Name: value" line per header, the
form curl -H @FILE reads; a header with an empty value is written "Name;",
curl's syntax for sending it empty. Give curl the same body with
--data-binary (never -d, which strips newlines from files) and the same
target: the signature covers the exact bytes. --format curl prints the whole
curl command line for --url, body included, quoted for a POSIX shell.

The key is read from --key, else from the file named by ENCORD_SSH_KEY_FILE,
else from the key text in ENCORD_SSH_KEY, the variables the SDK reads. It
must be an unencrypted OpenSSH Ed25519 private key, as for the SDK; run
"encord-emulator keygen" to make one.

Flags:
`

// The signing schemes of the SDK (docs/sdk-protocol.md, v1 signing; v2 signing).
const (
	schemeAuto = "auto"
	schemeV1   = "v1"
	schemeV2   = "v2"
)

// The output formats of sign.
const (
	formatHeaders = "headers"
	formatCurl    = "curl"
)

// defaultEmulatorURL is where --format curl sends requests unless told.
const defaultEmulatorURL = "http://127.0.0.1:8080"

// header is one request header, in the order the SDK sends it.
type header struct{ name, value string }

// signOptions is a parsed and checked sign command line.
type signOptions struct {
	scheme       string // schemeV1 or schemeV2, never schemeAuto
	method       string // upper case
	target       string // path and query, exactly as on the request line
	body         []byte
	created      int64 // v2 created parameter
	resourceType string
	resourceID   string
	bearer       string // when set, nothing is signed
	signer       *encordsign.Signer
}

func sign(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		o                                 signOptions
		keyFile, data, dataFile           string
		scheme, format, baseURL           string
		createdGiven, dataGiven, keyGiven bool
	)
	f := newEnvFlags("sign", stderr, signHelp)
	f.string(&keyFile, "key", "ENCORD_SSH_KEY_FILE", "", "unencrypted OpenSSH Ed25519 private key `FILE`")
	f.StringVar(&o.method, "method", "", "HTTP `METHOD`; default POST with a body, GET without (v1: always POST)")
	f.StringVar(&o.target, "target", "", "request target: `/path?query` exactly as it will be sent, percent-encoding included (required)")
	f.StringVar(&data, "data", "", "request `BODY`, signed byte for byte")
	f.StringVar(&dataFile, "data-file", "", "read the request body from `FILE` (- for stdin)")
	f.Func("created", "v2 created parameter, a `UNIX` time in seconds (default now - 30, as the SDK)", func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return errors.New("not a Unix time in seconds")
		}
		o.created, createdGiven = n, true
		return nil
	})
	f.StringVar(&scheme, "scheme", schemeAuto, "signing scheme: auto (from the target's path, as the SDK), v1 or v2")
	f.StringVar(&o.resourceType, "resource-type", "", "v1 ResourceType header: project or dataset (empty for /public/user)")
	f.StringVar(&o.resourceID, "resource-id", "", "v1 ResourceID header: the project or dataset hash")
	f.StringVar(&o.bearer, "bearer", "", "send Authorization: Bearer `TOKEN` instead of signing (as create_with_bearer_token)")
	f.StringVar(&format, "format", formatHeaders, "output: headers (for curl -H @FILE) or curl (a whole command line)")
	f.string(&baseURL, "url", "EMULATOR_URL", defaultEmulatorURL, "base URL of --format curl, without a trailing path")
	if err := f.parse(args); err != nil {
		return err
	}
	f.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "key":
			keyGiven = true
		case "data":
			dataGiven = true
		}
	})

	if err := o.checkRequest(scheme, createdGiven); err != nil {
		return err
	}
	if format != formatHeaders && format != formatCurl {
		return fmt.Errorf("--format %q: use headers or curl", format)
	}
	if strings.IndexFunc(o.bearer, isControl) >= 0 {
		return errors.New("--bearer: the token must not contain control characters")
	}

	switch {
	case dataGiven && dataFile != "":
		return errors.New("give --data or --data-file, not both")
	case dataGiven:
		o.body = []byte(data)
	case dataFile != "":
		body, err := readBody(dataFile)
		if err != nil {
			return err
		}
		o.body = body
	}
	if o.method == "" {
		o.method = curlMethod(o.body)
		if o.scheme == schemeV1 {
			o.method = "POST"
		}
	}
	if o.scheme == schemeV1 && o.method != "POST" {
		return fmt.Errorf("--method %s: v1 requests (/public, /public/user) are always POST", o.method)
	}

	switch {
	case o.bearer != "" && keyGiven:
		return errors.New("give --key or --bearer, not both: a bearer request is not signed")
	case o.bearer != "":
	default:
		signer, err := loadSigner(keyFile)
		if err != nil {
			return err
		}
		o.signer = signer
	}
	if o.scheme == schemeV2 && !createdGiven {
		o.created = time.Now().Add(-encordsign.CreatedOffset).Unix()
	}

	headers := o.headers()
	if format == formatHeaders {
		for _, h := range headers {
			fmt.Fprintln(stdout, curlHeader(h))
		}
		return nil
	}
	cmd, err := curlCommand(baseURL, o.method, o.target, headers, o.body)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, cmd)
	return nil
}

// checkRequest checks the target, method and header flags and resolves the
// scheme.
func (o *signOptions) checkRequest(scheme string, createdGiven bool) error {
	if o.target == "" {
		return errors.New("--target is required: the path and query of the request, such as /v2/public/user/current-organisation/groups")
	}
	if err := checkTarget(o.target); err != nil {
		return err
	}
	switch scheme {
	case schemeAuto:
		s, err := sdkScheme(o.target)
		if err != nil {
			return err
		}
		o.scheme = s
	case schemeV1, schemeV2:
		o.scheme = scheme
	default:
		return fmt.Errorf("--scheme %q: use auto, v1 or v2", scheme)
	}
	o.method = strings.ToUpper(o.method)
	if strings.IndexFunc(o.method, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return fmt.Errorf("--method %q is not an HTTP method", o.method)
	}
	if o.scheme == schemeV2 {
		if o.resourceType != "" || o.resourceID != "" {
			return errors.New("--resource-type and --resource-id are v1 headers; the SDK does not send them on v2")
		}
	} else if createdGiven {
		return errors.New("--created applies to v2 only: a v1 signature covers the body alone, with no time")
	}
	if o.bearer != "" && createdGiven {
		return errors.New("--created has no effect with --bearer: a bearer request is not signed")
	}
	for _, v := range []string{o.resourceType, o.resourceID} {
		if strings.IndexFunc(v, isControl) >= 0 {
			return errors.New("--resource-type and --resource-id must not contain control characters")
		}
	}
	return nil
}

// checkTarget rejects request targets that cannot be sent as they are on an
// HTTP request line. curl would percent-encode such a target, and the server
// would then see a target other than the one signed.
func checkTarget(target string) error {
	if !strings.HasPrefix(target, "/") {
		return fmt.Errorf("--target %q must start with /: give the path and query only, without scheme and host", target)
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return fmt.Errorf("--target %q contains %q at byte %d, which cannot appear on a request line as is; percent-encode it as the SDK would", target, c, i)
		}
	}
	return nil
}

// sdkScheme returns the scheme the SDK signs target with: v1 for exactly
// /public and /public/user, v2 for /v2/public/....
func sdkScheme(target string) (string, error) {
	path, _, _ := strings.Cut(target, "?")
	switch {
	case path == encordsign.V1Path || path == encordsign.V1UserPath:
		return schemeV1, nil
	case strings.HasPrefix(path, "/v2/public/"):
		return schemeV2, nil
	}
	return "", fmt.Errorf("--target %q is on neither SDK API: the SDK signs /public and /public/user with v1 and /v2/public/... with v2; choose one with --scheme to sign another path", target)
}

// headers returns the headers of the request in the order the SDK sends
// them, leaving out those that identify the SDK rather than authenticate it
// (User-Agent, X-Cloud-Trace-Context) and those curl adds itself (Host,
// Content-Length). Accept-Encoding: gzip is left out too, so that curl
// prints the answer readably.
func (o *signOptions) headers() []header {
	authorization := func() header {
		if o.bearer != "" {
			return header{encordsign.HeaderAuthorization, encordsign.BearerHeader(o.bearer)}
		}
		return header{encordsign.HeaderAuthorization, o.signer.SignV1(o.body)}
	}
	if o.scheme == schemeV1 {
		return []header{
			{"Accept", "application/json"},
			{"Content-Type", "application/json"},
			{"ResourceType", o.resourceType},
			{"ResourceID", o.resourceID},
			authorization(),
		}
	}
	var hs []header
	if len(o.body) > 0 {
		hs = append(hs, header{"Content-Type", "application/json"})
	}
	if o.bearer != "" {
		return append(hs, authorization())
	}
	sig := o.signer.SignV2(o.method, o.target, o.body, o.created)
	return append(hs,
		header{encordsign.HeaderContentDigest, sig.ContentDigest},
		header{encordsign.HeaderSignatureInput, sig.SignatureInput},
		header{encordsign.HeaderSignature, sig.Signature},
	)
}

// loadSigner reads the private key from keyFile or, when keyFile is empty,
// from the key text in ENCORD_SSH_KEY, as the SDK does.
func loadSigner(keyFile string) (*encordsign.Signer, error) {
	var (
		text   []byte
		source = keyFile
	)
	if keyFile != "" {
		b, err := readLimited(keyFile, sshkey.MaxPrivateKeyLength)
		if err != nil {
			return nil, err
		}
		text = b
	} else if v, ok := os.LookupEnv("ENCORD_SSH_KEY"); ok && v != "" {
		text, source = []byte(v), "ENCORD_SSH_KEY"
	} else {
		return nil, errors.New(`no key: give --key FILE (or set ENCORD_SSH_KEY_FILE), or --bearer TOKEN; to make a key, run "encord-emulator keygen"`)
	}
	priv, _, err := sshkey.ParsePrivateKey(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return encordsign.New(priv), nil
}

// readLimited reads name, or fails when it is longer than limit bytes.
// A longer read is passed on as is so that the parser reports the size.
func readLimited(name string, limit int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(limit)+1))
}

// readBody reads the request body from name, or from stdin when name is "-".
func readBody(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}

// curlMethod is the method curl uses when given no --request: POST when it
// sends a body, GET otherwise.
func curlMethod(body []byte) string {
	if len(body) > 0 {
		return "POST"
	}
	return "GET"
}

// curlHeader formats h as curl's -H takes it. "Name:" with nothing after the
// colon tells curl not to send the header at all, so a header with an empty
// value is written "Name;", which curl sends as "Name: ".
func curlHeader(h header) string {
	if h.value == "" {
		return h.name + ";"
	}
	return h.name + ": " + h.value
}

// curlCommand returns a curl command line, quoted for a POSIX shell, that
// sends exactly the request that was signed.
func curlCommand(baseURL, method, target string, headers []header, body []byte) (string, error) {
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return "", fmt.Errorf("--url %q must start with http:// or https://", baseURL)
	}
	if strings.IndexByte(string(body), 0) >= 0 {
		return "", errors.New("the body contains a NUL byte, which cannot be passed on a command line; use --format headers and curl --data-binary @FILE")
	}
	// Each line of the command is one option and its value. --globoff keeps
	// curl from expanding [] and {} in the URL, and --path-as-is from
	// resolving /./ and /../: either would change the target the server sees
	// from the one signed.
	lines := [][]string{{"curl", "--globoff", "--path-as-is"}}
	if method != curlMethod(body) {
		lines = append(lines, []string{"--request", method})
	}
	for _, h := range headers {
		lines = append(lines, []string{"-H", curlHeader(h)})
	}
	if len(body) > 0 {
		// --data-binary sends the bytes unchanged, but reads a file when they
		// start with @; --data-raw sends them unchanged without that rule.
		option := "--data-binary"
		if body[0] == '@' {
			option = "--data-raw"
		}
		lines = append(lines, []string{option, string(body)})
	}
	lines = append(lines, []string{strings.TrimSuffix(baseURL, "/") + target})

	var b strings.Builder
	for i, words := range lines {
		if i > 0 {
			b.WriteString(" \\\n  ")
		}
		for j, w := range words {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(shellQuote(w))
		}
	}
	return b.String(), nil
}

// shellQuote returns s as a single POSIX shell word: unchanged when it holds
// only characters no shell treats specially, and otherwise in single quotes,
// inside which every byte but the single quote is literal.
func shellQuote(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-_./:=@%+,", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }
