package importer

// literalStars applies to an Envoy or Istio grant what becomes of a "*"
// in Envoy's allow_methods and allow_headers. Envoy answers a lone "*" by
// echoing the request's value (cors_filter.cc, CorsFilter::decodeHeaders;
// since Envoy 1.22) and sends any other list as written; older Envoy sent a
// lone "*" as written too. Browsers read a "*" they receive as every method
// or header, except Authorization, without credentials, and as a name
// that is literally "*" with credentials (Fetch, CORS-preflight fetch, steps
// on methods and headers). The import takes what every version grants:
// without credentials "*" (cors-wasm's "*" covers neither more nor less),
// with credentials nothing for "*".
func literalStars(g *grant, rep *Report) {
	anyOrigin(g, rep)
	g.methods = starList(g, rep, g.methods, "method", nil)
	g.headers = starList(g, rep, g.headers, "header", []string{"authorization"})
}

// starList handles one list; keep names the values that stay beside "*"
// without credentials (authorization, which "*" does not cover).
func starList(g *grant, rep *Report, list []item, what string, keep []string) []item {
	star := -1
	for i, it := range list {
		if it.value == "*" {
			star = i
		}
	}
	if star < 0 {
		return list
	}
	var out []item
	for _, it := range list {
		switch {
		case g.credentials && it.value == "*" && len(list) == 1:
			rep.override(g.src, it.field, Changed, `"*" with credentials: not written, so only the safelisted `+what+`s pass. `+
				`Envoy 1.22 and later echo the requested `+what+` for a lone "*"; older Envoy sends "*", which browsers read `+
				`under credentials as a `+what+` named "*"; the import grants what both grant. List the `+what+`s to allow them`)
		case g.credentials && it.value == "*":
			rep.override(g.src, it.field, Changed, `"*" beside other `+what+`s with credentials: not written; Envoy sends it as is, `+
				`and browsers read it under credentials as a `+what+` named "*", which grants nothing`)
		case g.credentials || it.value == "*" || contains(keep, lower(it.value)):
			out = append(out, it)
		default:
			rep.override(g.src, it.field, Changed, q(it.value)+": not written, "+`"*" beside it already allows every `+what)
		}
	}
	return out
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// anyOrigin: once one origin matcher allows every origin, the others add
// nothing (Envoy tries them with the string "*" too), and cors-wasm wants
// "*" alone.
func anyOrigin(g *grant, rep *Report) {
	star := false
	for _, o := range g.origins {
		star = star || o.value == "*"
	}
	if !star || len(g.origins)+len(g.regexes) == 1 {
		return
	}
	var kept item
	for _, list := range [][]item{g.origins, g.regexes} {
		for _, it := range list {
			if it.value == "*" && kept.value == "" {
				kept = it
				continue
			}
			rep.override(g.src, it.field, Changed, q(it.value)+": not written, another matcher allows every origin")
		}
	}
	g.origins, g.regexes = []item{kept}, nil
}
