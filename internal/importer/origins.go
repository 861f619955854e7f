package importer

import (
	"regexp/syntax"
	"strconv"
	"strings"
)

// addOriginPattern maps an origin written the Gateway API / Envoy Gateway way
// (`*`, `https://*.example.com`, `http://host:8080`) to allow_origins.
// Hosts are lowercased and default ports dropped, as browsers serialize them;
// a scheme-wide wildcard (`https://*`) cannot be expressed.
func addOriginPattern(d *draft, rep *Report, field, o string) {
	if o == "*" {
		d.origins = append(d.origins, item{value: "*", field: field})
		rep.add(d.where, field, Mapped, `"*" -> allow_origins`)
		return
	}
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok {
		rep.add(d.where, field, Dropped, q(o)+": not an origin (scheme://host[:port])")
		return
	}
	host, port, hasPort := strings.Cut(rest, ":")
	out := strings.ToLower(scheme) + "://" + strings.ToLower(host)
	var notes []string
	if out != o[:len(scheme)+3+len(host)] {
		notes = append(notes, "lowercased, as browsers send it")
	}
	if host == "*" {
		rep.add(d.where, field, Dropped, q(o)+": every host of a scheme cannot be expressed (cors-wasm refuses wildcards over public suffixes); list the origins, or use \"*\" without credentials")
		return
	}
	if hasPort {
		if isDefaultPort(strings.ToLower(scheme), port) {
			notes = append(notes, "default port "+port+" dropped, as browsers never send it")
		} else {
			out += ":" + port
		}
	}
	d.origins = append(d.origins, item{value: out, field: field})
	if len(notes) > 0 {
		rep.add(d.where, field, Changed, q(o)+" -> allow_origins "+q(out)+": "+strings.Join(notes, "; "))
		return
	}
	rep.add(d.where, field, Mapped, q(o)+" -> allow_origins")
}

func isDefaultPort(scheme, port string) bool {
	return scheme == "https" && port == "443" || scheme == "http" && port == "80"
}

// stringMatch is an origin matcher of Envoy (type.matcher.v3.StringMatcher)
// or Istio (StringMatch): one of exact, prefix, suffix, contains, regex.
type stringMatch struct {
	exact, prefix, suffix, contains, regex string
	kind                                   string // which one is set: "exact", "prefix", ...
	ignoreCase                             bool
	other                                  string // a matcher kind we do not read (custom extension)
}

// addOriginMatcher maps an Envoy or Istio origin matcher. Exact origins and
// full-match regexes map; prefix, suffix and contains matchers match strings,
// not origins (a prefix `https://app.example.com` also matches
// `https://app.example.com.evil.net`), so they are dropped, as is
// ignore_case, and an exact `*`, which matches only an Origin that is
// literally `*` (browsers never send one).
func addOriginMatcher(d *draft, rep *Report, field string, m stringMatch) {
	switch m.kind {
	case "exact":
		switch {
		case m.exact == "*":
			rep.add(d.where, field, Dropped, `exact "*" matches only an Origin header that is literally "*", which browsers never send; to allow every origin write "*" in allow_origins`)
			return
		case m.ignoreCase && m.exact != strings.ToLower(m.exact):
			rep.add(d.where, field, Dropped, q(m.exact)+" with ignore_case: cors-wasm compares origins byte-exact; browsers send scheme and host in lowercase, so write the origin in lowercase")
			return
		case m.ignoreCase:
			d.origins = append(d.origins, item{value: m.exact, field: field})
			rep.add(d.where, field, Changed, q(m.exact)+" -> allow_origins, ignore_case dropped: cors-wasm compares byte-exact, and browsers send origins in lowercase")
			return
		}
		d.origins = append(d.origins, item{value: m.exact, field: field})
		rep.add(d.where, field, Mapped, q(m.exact)+" -> allow_origins")
	case "regex":
		if m.ignoreCase {
			rep.add(d.where, field, Dropped, q(m.regex)+" with ignore_case: cannot be expressed")
			return
		}
		if _, err := syntax.Parse(m.regex, syntax.Perl); err != nil {
			rep.add(d.where, field, Dropped, q(m.regex)+": not an RE2 regex: "+err.Error())
			return
		}
		// Envoy and Istio regexes must match the whole origin; ours must be
		// written anchored.
		re := "^(?:" + m.regex + ")$"
		d.regexes = append(d.regexes, item{value: re, field: field})
		rep.add(d.where, field, Changed, q(m.regex)+" -> allow_origin_regexes "+q(re)+": anchored, as Envoy matches the whole value")
	case "prefix", "suffix", "contains":
		value := map[string]string{"prefix": m.prefix, "suffix": m.suffix, "contains": m.contains}[m.kind]
		rep.add(d.where, field, Dropped, m.kind+" "+q(value)+": matches strings, not origins (the classic bypasses: "+
			"a prefix also matches https://app.example.com.evil.net, a suffix also matches https://evilexample.com); "+
			"write the origins, a https://*.example.com pattern or an anchored regex")
	default:
		rep.add(d.where, field, Dropped, "origin matcher "+q(m.other)+" cannot be expressed")
	}
}

// addMethods maps a list of methods ("*" alone = any).
func addMethods(d *draft, rep *Report, field string, methods []string) {
	for i, m := range methods {
		f := field + "[" + strconv.Itoa(i) + "]"
		d.methods = append(d.methods, item{value: m, field: f})
		if m == "*" {
			rep.add(d.where, f, Mapped, `"*" -> allow_methods, answered by echoing the requested method`)
			continue
		}
		rep.add(d.where, f, Mapped, q(m)+" -> allow_methods")
	}
}

// addHeaders maps allowed request headers ("*" = any but authorization).
func addHeaders(d *draft, rep *Report, field string, headers []string) {
	for i, h := range headers {
		f := field + "[" + strconv.Itoa(i) + "]"
		d.headers = append(d.headers, item{value: h, field: f})
		if h == "*" {
			rep.add(d.where, f, Mapped, `"*" -> allow_headers, answered by echoing the requested headers; authorization is not covered by "*" (Fetch): name it if requests send it`)
			continue
		}
		rep.add(d.where, f, Mapped, q(h)+" -> allow_headers")
	}
}

// addExpose maps exposed response headers.
func addExpose(d *draft, rep *Report, field string, headers []string) {
	for i, h := range headers {
		f := field + "[" + strconv.Itoa(i) + "]"
		d.expose = append(d.expose, item{value: h, field: f})
		rep.add(d.where, f, Mapped, q(h)+" -> expose_headers")
	}
}

// splitList splits Envoy's comma-separated header and method strings.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// setMaxAge maps a max-age in seconds, capped at cors-wasm's 86400.
func setMaxAge(d *draft, rep *Report, field string, seconds int64) {
	d.maxAgeField = field
	switch {
	case seconds > 86400:
		d.maxAge = 86400
		rep.add(d.where, field, Changed, strconv.FormatInt(seconds, 10)+" -> max_age 86400: the most cors-wasm sends (browsers cap it lower: Chromium 7200, Firefox 86400)")
	case seconds <= 0:
		d.maxAge = -1
		rep.add(d.where, field, Mapped, strconv.FormatInt(seconds, 10)+" -> max_age -1 (no caching)")
	default:
		d.maxAge = int(seconds)
		rep.add(d.where, field, Mapped, strconv.FormatInt(seconds, 10)+" -> max_age")
	}
}

// setCredentials maps allow credentials.
func setCredentials(d *draft, rep *Report, field string, on bool) {
	d.credentials, d.credentialsField = on, field
	rep.add(d.where, field, Mapped, strconv.FormatBool(on)+" -> allow_credentials")
}
