package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"
)

// embedded holds the console's files; they are read once, by loadAssets.
//
//go:embed assets
var embedded embed.FS

// indexFile is the page; it is served at the console's root, not by name.
const indexFile = "index.html"

// contentType is the media type of a file the console ships, by its
// extension; a file of any other extension is not served.
func contentType(name string) (string, bool) {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8", true
	case ".js":
		return "text/javascript; charset=utf-8", true
	case ".css":
		return "text/css; charset=utf-8", true
	case ".svg":
		return "image/svg+xml", true
	}
	return "", false
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assets are the console's files by name.
type assets map[string]asset

func loadAssets() assets {
	entries, err := fs.ReadDir(embedded, "assets")
	if err != nil {
		panic("console: the embedded assets cannot be listed: " + err.Error())
	}
	out := assets{}
	for _, e := range entries {
		ct, ok := contentType(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		body, err := embedded.ReadFile("assets/" + e.Name())
		if err != nil {
			panic("console: the embedded asset " + e.Name() + " cannot be read: " + err.Error())
		}
		sum := sha256.Sum256(body)
		out[e.Name()] = asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return out
}

// serveIndex answers the page. It is never stored by a cache: it is the
// entry point of an admin UI.
func (a assets) serveIndex(w http.ResponseWriter, r *http.Request) {
	index := a[indexFile]
	w.Header().Set("Content-Type", index.contentType)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(index.body))
}

// serveAsset answers a script, style or icon. A browser may keep it but
// must revalidate it (ETag), so an upgraded binary is picked up at once.
func (a assets) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := a[name]
	if !ok || name == indexFile {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("the console has no file " + name + "\n"))
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
