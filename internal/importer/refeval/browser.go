// Package refeval holds reference evaluators for the sources corsctl
// import reads: given a source's manifests and a request, what would that
// source answer, and what would a browser then allow. They follow each
// source's documentation and code (cited at each rule), independently of
// the importer, so a differential test can hold the importer to them: the
// imported configuration, decided by policy/, must never let a browser do
// what the source does not.
//
// It is used by tests only.
package refeval

import (
	"sort"
	"strings"
)

// Request is what a page asks the browser to do: a cross-origin fetch to
// Host and Path (with its query), with Method, the custom request Headers
// it sets (lowercase names, value "1"), and whether it includes
// credentials.
type Request struct {
	Host, Path  string
	Origin      string
	Method      string
	Headers     []string
	Credentials bool
}

// Response is what a proxy answers: the status and the response header
// lines that matter (lowercase names, values as sent).
type Response struct {
	Status int
	Header map[string]string
}

// Server answers a request: the CORS preflight when preflight is true
// (OPTIONS with Origin, Access-Control-Request-Method and, when the page
// sets headers, Access-Control-Request-Headers), else the request itself.
type Server func(r Request, preflight bool) Response

// Outcome is what a browser allows the page.
type Outcome struct {
	Allowed bool     // the request is sent (after its preflight) and its response read
	Exposed []string // of the response headers the test asks about, those the page may read
}

// Exposable are the response headers whose exposure Browser reports: an
// upstream answers every request with them.
var Exposable = []string{"x-request-id", "x-total"}

// Browser runs a request the way the Fetch standard's CORS protocol does:
// a CORS-preflight fetch when the method or a header is not safelisted,
// then the request and its CORS check.
func Browser(r Request, s Server) Outcome {
	if NeedsPreflight(r) && !PreflightPasses(r, s(r, true)) {
		return Outcome{}
	}
	resp := s(r, false)
	if !corsCheck(r, resp) {
		return Outcome{}
	}
	out := Outcome{Allowed: true}
	exposed := list(resp.Header["access-control-expose-headers"])
	for _, h := range Exposable {
		if contains(exposed, h, true) || !r.Credentials && contains(exposed, "*", false) {
			out.Exposed = append(out.Exposed, h)
		}
	}
	return out
}

// NeedsPreflight: a method other than GET, HEAD and POST, or a header that
// is not CORS-safelisted (Fetch, "CORS-safelisted method", "CORS-unsafe
// request-header names"; the pages here set only unsafe headers).
func NeedsPreflight(r Request) bool {
	return !safelisted(r.Method) || len(r.Headers) > 0
}

func safelisted(m string) bool { return m == "GET" || m == "HEAD" || m == "POST" }

// RequestHeaders is the Access-Control-Request-Headers value a browser
// sends: sorted, lowercase, comma-joined, no spaces.
func RequestHeaders(r Request) string {
	hs := append([]string(nil), r.Headers...)
	sort.Strings(hs)
	return strings.Join(hs, ",")
}

// PreflightPasses is the CORS-preflight fetch's checks on its response: an
// ok status, the CORS check, then the method and each header (Fetch,
// "CORS-preflight fetch" steps 7.1-7.8): a "*" in the lists counts as a
// wildcard only without credentials, and never covers Authorization.
func PreflightPasses(r Request, resp Response) bool {
	if resp.Status < 200 || resp.Status > 299 || !corsCheck(r, resp) {
		return false
	}
	methods := list(resp.Header["access-control-allow-methods"])
	if !safelisted(r.Method) && !contains(methods, r.Method, false) && (r.Credentials || !contains(methods, "*", false)) {
		return false
	}
	names := list(resp.Header["access-control-allow-headers"])
	for _, h := range r.Headers {
		if contains(names, h, true) {
			continue
		}
		if r.Credentials || !contains(names, "*", false) || h == "authorization" {
			return false
		}
	}
	return true
}

// corsCheck is Fetch's "CORS check": Access-Control-Allow-Origin is "*"
// (without credentials) or the request's origin, byte for byte; with
// credentials Access-Control-Allow-Credentials is "true".
func corsCheck(r Request, resp Response) bool {
	acao, ok := resp.Header["access-control-allow-origin"]
	if !ok || strings.Contains(acao, ",") {
		return false
	}
	if acao == "*" {
		return !r.Credentials
	}
	if acao != r.Origin {
		return false
	}
	return !r.Credentials || resp.Header["access-control-allow-credentials"] == "true"
}

// list splits a header value into its elements (Fetch, "extract header
// list values"), trimming spaces.
func list(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func contains(list []string, v string, fold bool) bool {
	for _, e := range list {
		if e == v || fold && strings.EqualFold(e, v) {
			return true
		}
	}
	return false
}
