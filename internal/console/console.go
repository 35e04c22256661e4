// Package console serves the emulator's web console: Encord's
// key-management screens (log in, service accounts, members, API keys) and
// the journal of SDK authentication decisions, for a person to click
// through.
//
// The console is static: HTML, CSS and JavaScript modules embedded in the
// binary, with no build step and nothing fetched from another origin. Every
// action it takes is a call of the management plane (/api/v1) with the
// session token of its user, so every rule holds exactly as over HTTP; the
// journal screen reads GET /_emulator/requests on the control plane. The
// session token lives in the page's memory only, never in a URL, a cookie or
// storage: see README.md, "Web console", for why that, with
// Authorization: Bearer on every call, is the console's CSRF defence.
package console

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Handler returns the console, to be mounted at /console: GET /console/
// answers the page and GET /console/{asset} its scripts, styles and icon.
// Every answer carries the security headers of securityHeaders.
func Handler() http.Handler {
	files := loadAssets()
	r := chi.NewRouter()
	r.Use(securityHeaders)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		// The page links its assets relatively, so it must be served
		// under the trailing slash.
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		files.serveIndex(w, r)
	})
	r.Get("/{asset}", func(w http.ResponseWriter, r *http.Request) {
		files.serveAsset(w, r, chi.URLParam(r, "asset"))
	})
	return r
}
