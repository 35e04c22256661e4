package api

import (
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/metrics"
)

// routeTable says which methods a path has, for the Allow header of a 405
// and for answering HEAD as GET. It holds a flat copy of the router's
// routes: chi's own Match answers yes for any method on the root of a
// mounted router ("/api/v1/me"), so it cannot say which methods a path has.
type routeTable struct {
	flat *chi.Mux
	// contexts are the routing contexts of pattern's matches, reused as
	// chi's own Mux reuses its own: pattern runs on every request.
	contexts sync.Pool
}

// fill copies every route of root; NewHandler calls it once every route is
// registered, before the router serves.
func (t *routeTable) fill(root chi.Routes) error {
	t.flat = chi.NewRouter()
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	return chi.Walk(root, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		t.flat.Method(method, route, noop)
		// The "/" route of a mounted router answers its path without the
		// slash too.
		if len(route) > 1 && strings.HasSuffix(route, "/") {
			t.flat.Method(method, strings.TrimSuffix(route, "/"), noop)
		}
		return nil
	})
}

func (t *routeTable) has(method, path string) bool {
	return t.flat.Match(chi.NewRouteContext(), method, path)
}

// allowed lists the methods of path, HEAD wherever GET is.
func (t *routeTable) allowed(path string) []string {
	var out []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if t.has(method, path) {
			out = append(out, method)
			if method == http.MethodGet {
				out = append(out, http.MethodHead)
			}
		}
	}
	return out
}

// headAsGet routes a HEAD request to the GET route of its path when the
// path has no HEAD route of its own; net/http sends the answer without
// its body.
func (t *routeTable) headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			path := routingPath(r)
			if !t.has(http.MethodHead, path) && t.has(http.MethodGet, path) {
				chi.RouteContext(r.Context()).RouteMethod = http.MethodGet
			}
		}
		next.ServeHTTP(w, r)
	})
}

// methodNotAllowed answers 405 in ew's dialect, with an Allow header that
// lists the methods of the path.
func (t *routeTable) methodNotAllowed(ew errorWriter) http.HandlerFunc {
	return ew.handle(func(w http.ResponseWriter, r *http.Request) error {
		allowed := strings.Join(t.allowed(routingPath(r)), ", ")
		w.Header().Set("Allow", allowed)
		return errs.New(errs.MethodNotAllowed, "%s is not allowed on %s; its methods are %s", r.Method, r.URL.Path, allowed)
	})
}

// routingPath is the path chi routes r by.
func routingPath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}

// pattern is the pattern of the route r is for, whatever the middleware
// that answered it (an authentication failure answers before the router
// gets that far), metrics.RouteUnmatched when no route has its path and
// method.
func (t *routeTable) pattern(r *http.Request) string {
	rctx, _ := t.contexts.Get().(*chi.Context)
	if rctx == nil {
		rctx = chi.NewRouteContext()
	}
	defer t.contexts.Put(rctx)
	path := routingPath(r)
	if t.match(rctx, r.Method, path) || (r.Method == http.MethodHead && t.match(rctx, http.MethodGet, path)) {
		return rctx.RoutePattern()
	}
	return metrics.RouteUnmatched
}

// match reports whether a route has method and path, leaving its pattern
// in rctx.
func (t *routeTable) match(rctx *chi.Context, method, path string) bool {
	rctx.Reset()
	return t.flat.Match(rctx, method, path)
}
