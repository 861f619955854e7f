package importer

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// addOriginPattern maps an origin written the Gateway API / Envoy Gateway way
// (`*`, `https://*.example.com`, `http://host:8080`) to allow_origins.
// Hosts are lowercased and default ports dropped, as browsers serialize them;
// a scheme-wide wildcard (`https://*`) cannot be expressed.
func addOriginPattern(g *grant, rep *Report, field, o string) {
	if o == "*" {
		g.origins = append(g.origins, item{value: "*", field: field})
		rep.add(g.src, field, Mapped, `"*" -> allow_origins`)
		return
	}
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok {
		rep.add(g.src, field, Dropped, q(o)+": not an origin (scheme://host[:port])")
		return
	}
	host, port, hasPort := strings.Cut(rest, ":")
	out := strings.ToLower(scheme) + "://" + strings.ToLower(host)
	var notes []string
	if out != o[:len(scheme)+3+len(host)] {
		notes = append(notes, "lowercased, as browsers send it")
	}
	if host == "*" {
		rep.add(g.src, field, Dropped, q(o)+": every host of a scheme cannot be expressed (cors-wasm refuses wildcards over public suffixes); list the origins, or use \"*\" without credentials")
		return
	}
	if hasPort {
		if isDefaultPort(strings.ToLower(scheme), port) {
			notes = append(notes, "default port "+port+" dropped, as browsers never send it")
		} else {
			out += ":" + port
		}
	}
	g.origins = append(g.origins, item{value: out, field: field})
	if len(notes) > 0 {
		rep.add(g.src, field, Changed, q(o)+" -> allow_origins "+q(out)+": "+strings.Join(notes, "; "))
		return
	}
	rep.add(g.src, field, Mapped, q(o)+" -> allow_origins")
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

// addOriginMatcher maps an Envoy or Istio origin matcher. Envoy allows an
// Origin when a matcher matches it or matches the string "*"
// (cors_filter.cc, CorsFilter::isOriginAllowed), so a matcher that matches
// "*" (exact "*", an empty prefix, the regex ".*") allows every origin.
// Exact origins and full-match regexes map; other prefix, suffix and
// contains matchers match strings, not origins (a prefix
// `https://app.example.com` also matches `https://app.example.com.evil.net`),
// so they are dropped, as is ignore_case on an exact origin with capitals.
func addOriginMatcher(g *grant, rep *Report, field string, m stringMatch) {
	if m.matchesStar() {
		g.origins = append(g.origins, item{value: "*", field: field})
		rep.add(g.src, field, Changed, m.kind+" "+q(m.value())+" -> allow_origins \"*\": Envoy allows every origin when a matcher matches the string \"*\"")
		return
	}
	switch m.kind {
	case "exact":
		switch {
		case m.ignoreCase && m.exact != strings.ToLower(m.exact):
			rep.add(g.src, field, Dropped, q(m.exact)+" with ignore_case: cors-wasm compares origins byte-exact; browsers send scheme and host in lowercase, so write the origin in lowercase")
			return
		case m.ignoreCase:
			g.origins = append(g.origins, item{value: m.exact, field: field})
			rep.add(g.src, field, Changed, q(m.exact)+" -> allow_origins, ignore_case dropped: cors-wasm compares byte-exact, and browsers send origins in lowercase")
			return
		}
		g.origins = append(g.origins, item{value: m.exact, field: field})
		rep.add(g.src, field, Mapped, q(m.exact)+" -> allow_origins")
	case "regex":
		// ignore_case has no effect on safe_regex (string.proto).
		if _, err := syntax.Parse(m.regex, syntax.Perl); err != nil {
			rep.add(g.src, field, Dropped, q(m.regex)+": not an RE2 regex: "+err.Error())
			return
		}
		// Envoy and Istio regexes must match the whole origin; ours must be
		// written anchored.
		re := "^(?:" + m.regex + ")$"
		g.regexes = append(g.regexes, item{value: re, field: field})
		rep.add(g.src, field, Changed, q(m.regex)+" -> allow_origin_regexes "+q(re)+": anchored, as Envoy matches the whole value")
	case "prefix", "suffix", "contains":
		rep.add(g.src, field, Dropped, m.kind+" "+q(m.value())+": matches strings, not origins (the classic bypasses: "+
			"a prefix also matches https://app.example.com.evil.net, a suffix also matches https://evilexample.com); "+
			"write the origins, a https://*.example.com pattern or an anchored regex")
	default:
		rep.add(g.src, field, Dropped, "origin matcher "+q(m.other)+" cannot be expressed")
	}
}

// value is the matcher's string.
func (m stringMatch) value() string {
	return map[string]string{"exact": m.exact, "prefix": m.prefix, "suffix": m.suffix, "contains": m.contains, "regex": m.regex}[m.kind]
}

// matchesStar reports whether the matcher matches the string "*".
func (m stringMatch) matchesStar() bool {
	v := m.value()
	switch m.kind {
	case "exact":
		return v == "*"
	case "prefix", "suffix":
		return v == "" || v == "*"
	case "contains":
		return v == "" || v == "*"
	case "regex":
		re, err := regexp.Compile("^(?:" + v + ")$")
		return err == nil && re.MatchString("*")
	}
	return false
}

// addMethods maps a list of methods ("*" alone = any).
func addMethods(g *grant, rep *Report, field string, methods []string) {
	for i, m := range methods {
		f := field + "[" + strconv.Itoa(i) + "]"
		g.methods = append(g.methods, item{value: m, field: f})
		if m == "*" {
			rep.add(g.src, f, Mapped, `"*" -> allow_methods, answered by echoing the requested method`)
			continue
		}
		rep.add(g.src, f, Mapped, q(m)+" -> allow_methods")
	}
}

// addHeaders maps allowed request headers ("*" = any but authorization).
func addHeaders(g *grant, rep *Report, field string, headers []string) {
	for i, h := range headers {
		f := field + "[" + strconv.Itoa(i) + "]"
		g.headers = append(g.headers, item{value: h, field: f})
		if h == "*" {
			rep.add(g.src, f, Mapped, `"*" -> allow_headers, answered by echoing the requested headers; authorization is not covered by "*" (Fetch): name it if requests send it`)
			continue
		}
		rep.add(g.src, f, Mapped, q(h)+" -> allow_headers")
	}
}

// addExpose maps exposed response headers.
func addExpose(g *grant, rep *Report, field string, headers []string) {
	for i, h := range headers {
		f := field + "[" + strconv.Itoa(i) + "]"
		g.expose = append(g.expose, item{value: h, field: f})
		rep.add(g.src, f, Mapped, q(h)+" -> expose_headers")
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
func setMaxAge(g *grant, rep *Report, field string, seconds int64) {
	g.maxAgeField = field
	switch {
	case seconds > 86400:
		g.maxAge = 86400
		rep.add(g.src, field, Changed, strconv.FormatInt(seconds, 10)+" -> max_age 86400: the most cors-wasm sends (browsers cap it lower: Chromium 7200, Firefox 86400)")
	case seconds <= 0:
		g.maxAge = -1
		rep.add(g.src, field, Mapped, strconv.FormatInt(seconds, 10)+" -> max_age -1 (no caching)")
	default:
		g.maxAge = int(seconds)
		rep.add(g.src, field, Mapped, strconv.FormatInt(seconds, 10)+" -> max_age")
	}
}

// setCredentials maps allow credentials.
func setCredentials(g *grant, rep *Report, field string, on bool) {
	g.credentials, g.credentialsField = on, field
	rep.add(g.src, field, Mapped, strconv.FormatBool(on)+" -> allow_credentials")
}
