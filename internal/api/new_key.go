package api

import (
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
)

// PEMMediaType is what a client accepts to receive a generated private key
// as a file download, as the UI's "Generate key pair" does.
const PEMMediaType = "application/x-pem-file"

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// writeNewKey answers 201 with the key, plus the private key of a generated
// pair; with Accept: application/x-pem-file, the PEM alone as an attachment
// named after the key's title.
func writeNewKey(w http.ResponseWriter, r *http.Request, nk accounts.NewKey) {
	if nk.PrivateKey == nil {
		writeJSON(w, http.StatusCreated, viewKey(nk.Key))
		return
	}
	if acceptsPEM(r) {
		name := strings.Trim(unsafeFilename.ReplaceAllString(nk.Key.Title, "-"), "-.")
		if name == "" {
			name = "private-key"
		}
		w.Header().Set("Content-Type", PEMMediaType)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".txt"}))
		w.Header().Set("X-Key-Id", nk.Key.ID)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(nk.PrivateKey)
		return
	}
	writeCredential(w, http.StatusCreated, generatedKeyView{Key: viewKey(nk.Key), PrivateKey: string(nk.PrivateKey)})
}

func acceptsPEM(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == PEMMediaType {
			return true
		}
	}
	return false
}
