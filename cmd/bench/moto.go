package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// moto's IAM speaks the AWS query protocol: a form-encoded POST naming the
// Action, signed with Signature Version 4. moto does not verify signatures
// by default, but it routes a request to a service by the credential scope
// of its Authorization header (without one, a POST / goes to S3), so every
// request is signed as an AWS SDK would sign it.
const (
	iamVersion   = "2010-05-08"
	iamRegion    = "us-east-1"
	iamService   = "iam"
	motoAccessID = "AKIDBENCHEXAMPLE"
	motoSecret   = "bench/secret/EXAMPLEKEY"
	formType     = "application/x-www-form-urlencoded; charset=utf-8"
)

// motoVersion returns the version of moto that python imports, or an
// error that says why moto cannot run.
func motoVersion(ctx context.Context, python string) (string, error) {
	out, err := exec.CommandContext(ctx, python, "-c", "import moto, moto.server; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s cannot import moto.server (%v): %s", python, err, testenv.Tail(string(bytes.TrimSpace(out)), 300))
	}
	return strings.TrimSpace(string(out)), nil
}

// startMoto starts moto's server (python -m moto.server, one process) on a
// free port and waits until its IAM answers.
func startMoto(ctx context.Context, python string) (*testenv.Process, string, error) {
	port, err := testenv.FreePort()
	if err != nil {
		return nil, "", err
	}
	p, err := testenv.Start(testenv.Command{Name: "moto", Path: python, Args: []string{"-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port)}})
	if err != nil {
		return nil, "", err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	probe := &motoPeer{http: &http.Client{Timeout: 5 * time.Second}, base: base}
	deadline := time.Now().Add(time.Minute)
	for {
		err := probe.call(ctx, url.Values{"Action": {"ListUsers"}}, "<ListUsersResult>")
		if err == nil {
			return p, base, nil
		}
		if !p.Running() || time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop(stopGrace)
			return nil, "", fmt.Errorf("moto did not answer ListUsers: %w; its output: %s", err, testenv.Tail(p.Output(), 1000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// motoPeer drives moto's IAM: keyWorkers IAM users (CreateUser), each
// uploading SSH public keys (UploadSSHPublicKey) and listing them
// (ListSSHPublicKeys).
type motoPeer struct {
	http *http.Client
	base string
}

func newMotoPeer(ctx context.Context, base string) (*motoPeer, error) {
	p := &motoPeer{
		http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: keyWorkers, DisableCompression: true}},
		base: base,
	}
	for w := range keyWorkers {
		if err := p.call(ctx, url.Values{"Action": {"CreateUser"}, "UserName": {motoUser(w)}}, "<CreateUserResult>"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func motoUser(worker int) string { return "bench-worker-" + strconv.Itoa(worker) }

func (p *motoPeer) upload(ctx context.Context, worker int, publicKey string) error {
	return p.call(ctx, url.Values{"Action": {"UploadSSHPublicKey"}, "UserName": {motoUser(worker)}, "SSHPublicKeyBody": {publicKey}}, "<UploadSSHPublicKeyResult>")
}

func (p *motoPeer) list(ctx context.Context, worker int) error {
	return p.call(ctx, url.Values{"Action": {"ListSSHPublicKeys"}, "UserName": {motoUser(worker)}}, "<ListSSHPublicKeysResult>")
}

// call sends one IAM action and checks that the answer is a 200 holding
// the action's result element.
func (p *motoPeer) call(ctx context.Context, form url.Values, want string) error {
	_, err := p.action(ctx, form, want)
	return err
}

// action sends one IAM action and returns the answer, which must be a 200
// holding want.
func (p *motoPeer) action(ctx context.Context, form url.Values, want string) ([]byte, error) {
	form.Set("Version", iamVersion)
	body := []byte(form.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", formType)
	signV4(req, body, time.Now())
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(answer, []byte(want)) {
		return nil, fmt.Errorf("IAM %s answered %d: %s", form.Get("Action"), resp.StatusCode, testenv.Tail(string(answer), 300))
	}
	return answer, nil
}

func (p *motoPeer) close() { p.http.CloseIdleConnections() }

// signV4 signs a query-protocol POST (no query string, the form in the
// body) for IAM with Signature Version 4: it sets X-Amz-Date and
// Authorization, signing Content-Type, Host and X-Amz-Date.
func signV4(req *http.Request, body []byte, now time.Time) {
	amzDate := now.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	req.Header.Set("X-Amz-Date", amzDate)
	const signedHeaders = "content-type;host;x-amz-date"
	payload := sha256.Sum256(body)
	canonical := strings.Join([]string{
		req.Method,
		"/",
		"",
		"content-type:" + req.Header.Get("Content-Type") + "\nhost:" + req.URL.Host + "\nx-amz-date:" + amzDate + "\n",
		signedHeaders,
		hex.EncodeToString(payload[:]),
	}, "\n")
	canonicalSum := sha256.Sum256([]byte(canonical))
	scope := day + "/" + iamRegion + "/" + iamService + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(canonicalSum[:])
	key := sigV4Key(motoSecret, day, iamRegion, iamService)
	signature := hex.EncodeToString(hmacSHA256(key, []byte(toSign)))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+motoAccessID+"/"+scope+", SignedHeaders="+signedHeaders+", Signature="+signature)
}

// sigV4Key derives the signing key of a day, region and service.
func sigV4Key(secret, day, region, service string) []byte {
	key := hmacSHA256([]byte("AWS4"+secret), []byte(day))
	key = hmacSHA256(key, []byte(region))
	key = hmacSHA256(key, []byte(service))
	return hmacSHA256(key, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// errMotoNotAsked is the reason the moto row is skipped when -moto is off.
var errMotoNotAsked = errors.New("not asked for (-moto; make bench asks for it)")
