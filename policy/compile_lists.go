package policy

import (
	"strconv"
	"strings"
)

// methods validates allow_methods and precomputes Access-Control-Allow-Methods.
func (c *compiler) methods(pc *PolicyConfig, path loc, p *compiledPolicy) {
	if !c.listLen(path, pc.AllowMethods, "only GET, HEAD and POST are allowed") {
		return
	}
	var listed []string
	for i, m := range pc.AllowMethods {
		mpath := jsonPathIndex(path, i)
		if m == "*" {
			if len(pc.AllowMethods) > 1 {
				c.failValue(mpath, Conflict, m, "* allows every method: list it alone")
				continue
			}
			p.anyMethod = true
			continue
		}
		if reason := methodReason(m); reason != "" {
			c.failValue(mpath, InvalidValue, m, reason)
			continue
		}
		if p.methods == nil {
			p.methods = make(map[string]struct{})
		}
		if _, dup := p.methods[m]; dup {
			c.failValue(mpath, Duplicate, m, "listed twice")
			continue
		}
		p.methods[m] = struct{}{}
		p.methodList = append(p.methodList, m)
		listed = append(listed, m)
	}
	if p.anyMethod {
		// "*" is answered by echoing the validated request method, with or
		// without credentials: with credentials Fetch reads "*" as a method
		// literally named "*", Gateway API requires the echo, Envoy's own
		// filter echoes in both cases, and some clients never learnt "*".
		p.echoMethod = true
		return
	}
	p.acam = strings.Join(listed, ", ")
}

func methodReason(m string) string {
	if !isToken(m) || len(m) > MaxMethodBytes {
		return "not a method name (an HTTP token of at most " + strconv.Itoa(MaxMethodBytes) + " bytes)"
	}
	for _, f := range forbiddenMethods {
		if strings.EqualFold(m, f) {
			return "forbidden method: browsers never send it"
		}
	}
	for _, n := range normalizedMethods {
		if strings.EqualFold(m, n) && m != n {
			return "browsers send this method as " + n + " and methods match byte-exact: write " + n
		}
	}
	return ""
}

// allowHeaders validates allow_headers and precomputes Access-Control-Allow-Headers.
func (c *compiler) allowHeaders(pc *PolicyConfig, path loc, p *compiledPolicy) {
	if !c.listLen(path, pc.AllowHeaders, "no request header beyond the CORS-safelisted ones is allowed") {
		return
	}
	var listed []string
	for i, h := range pc.AllowHeaders {
		hpath := jsonPathIndex(path, i)
		lower := strings.ToLower(h)
		switch {
		case h == "*":
			p.anyHeader = true
			continue
		case !isToken(h):
			c.failValue(hpath, InvalidValue, h, "not a header name (an HTTP token)")
			continue
		case isForbiddenRequestHeader(lower):
			c.failValue(hpath, InvalidValue, h, "forbidden request header: scripts cannot set it, so it never needs allowing")
			continue
		}
		if p.headers == nil {
			p.headers = make(map[string]struct{})
		}
		if _, dup := p.headers[lower]; dup {
			c.failValue(hpath, Duplicate, h, "listed twice (header names compare case-insensitively)")
			continue
		}
		p.headers[lower] = struct{}{}
		listed = append(listed, lower)
	}
	if p.anyHeader {
		_, auth := p.headers["authorization"]
		p.authNamed = auth
		if len(p.headers) > 1 || len(p.headers) == 1 && !auth {
			c.fail(path, Conflict, `"*" allows every header but authorization: list "*" alone, or "*" and "authorization"`)
			return
		}
	}
	p.headerList = listed
	if p.anyHeader {
		// Echo the validated request headers, never "*": the same reasons as
		// for methods, and authorization is still only echoed when named.
		p.echoHeaders = true
		return
	}
	p.acah = strings.Join(listed, ", ")
}

// exposeHeaders validates expose_headers and precomputes Access-Control-Expose-Headers.
func (c *compiler) exposeHeaders(pc *PolicyConfig, path loc, p *compiledPolicy) {
	if !c.listLen(path, pc.ExposeHeaders, "no response header beyond the CORS-safelisted ones is exposed") {
		return
	}
	var listed []string
	seen := map[string]bool{}
	for i, h := range pc.ExposeHeaders {
		hpath := jsonPathIndex(path, i)
		lower := strings.ToLower(h)
		switch {
		case h == "*" && pc.AllowCredentials:
			c.failValue(hpath, Conflict, h, "with allow_credentials * is not a wildcard (browsers read it as a header named *): list the headers to expose")
			continue
		case h == "*" && len(pc.ExposeHeaders) > 1:
			c.failValue(hpath, Conflict, h, "* exposes every header: list it alone")
			continue
		case h != "*" && !isToken(h):
			c.failValue(hpath, InvalidValue, h, "not a header name (an HTTP token)")
			continue
		case isForbiddenResponseHeader(lower):
			c.failValue(hpath, InvalidValue, h, "forbidden response header: browsers never expose it to scripts")
			continue
		case seen[lower]:
			c.failValue(hpath, Duplicate, h, "listed twice (header names compare case-insensitively)")
			continue
		}
		seen[lower] = true
		listed = append(listed, lower)
	}
	p.aceh = strings.Join(listed, ", ")
}
