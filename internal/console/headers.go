package console

import "net/http"

// ContentSecurityPolicy allows the page to load scripts, styles, images and
// fetches from its own origin only; no inline script or style, no eval, no
// plugin, no <base>, no native form submission, and no framing. Trusted
// Types are required, so a string can never reach an HTML sink: the
// console builds its DOM with createElement and textContent.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'; require-trusted-types-for 'script'"

// securityHeaders sets the headers of an admin UI on every answer of the
// console: the CSP above, no framing (X-Frame-Options for browsers that
// predate frame-ancestors), no Referer leaving the page, no MIME sniffing,
// and a browsing context and resources of its own.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
