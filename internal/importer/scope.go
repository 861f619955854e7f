package importer

import (
	"regexp"
	"strings"
)

// pathKind is how a source route matches the request path.
type pathKind uint8

const (
	pathAll     pathKind = iota // every path
	pathPrefix                  // byte prefix of the path (Envoy prefix, Istio prefix)
	pathExact                   // the path before '?' (Envoy path, Istio exact, Gateway API Exact)
	pathSegment                 // value, or value + "/..." (Envoy path_separated_prefix, Gateway API PathPrefix)
	pathRegex                   // RE2 over the whole path before '?'
	pathOther                   // a matcher cors-wasm cannot read: any path, as far as the import knows
)

// pathMatch is a route's path condition.
type pathMatch struct {
	kind     pathKind
	value    string
	field    string // the setting, for the report
	foldCase bool   // matched without regard to ASCII case
}

// entry is one route of a source (one match of it), in the order the source
// tries routes for the hosts of its group.
type entry struct {
	src   *source
	field string // the route or rule, e.g. spec.http[1]
	name  string // wanted policy name
	path  pathMatch
	cond  string // conditions beyond host and path that cors-wasm cannot express ("header matches"); "" for none
	grant *grant // nil: the route grants nothing
}

// group is what a source tries for the requests whose host selects it:
// Envoy's virtual host for the most specific domain, Istio's
// VirtualService for the most specific host, the HTTPRoutes of the most
// specific hostname. A source never falls back to a less specific group,
// so neither may the import: each group ends with a no_cors policy for its
// host.
type group struct {
	host      string // exact host, "*.suffix", or "" for every host
	pattern   string // the source's host pattern, when it ranks differently from host
	hostField string
	more      []item // further exact hosts with the same routes (written as one policy)
	src       *source
	entries   []*entry
	// over: the host stands for a wider set of hosts than the source's
	// (a pattern cors-wasm cannot write): nothing may be granted there.
	over   bool
	reason string // why over, for the report
}

// specificity orders groups as Envoy picks virtual hosts
// (route_components.proto, VirtualHost.domains): exact hosts, then suffix
// wildcards, then prefix wildcards, each longest first, then every host.
func specificity(g *group) int {
	p := g.pattern
	if p == "" {
		p = g.host
	}
	switch {
	case p == "" || p == "*":
		return 3 << 20
	case strings.HasPrefix(p, "*"):
		return 1<<20 - len(p)
	case strings.HasSuffix(p, "*"):
		return 2<<20 - len(p)
	}
	return 0
}

// under is the largest set of paths cors-wasm can write that lies inside
// the match (ok false: none, as for a regex).
func under(p pathMatch) (prefixes, paths []string, ok bool) {
	switch p.kind {
	case pathAll:
		return nil, nil, true
	case pathPrefix:
		if p.value == "" || p.value == "/" {
			return nil, nil, true
		}
		if !strings.HasPrefix(p.value, "/") || strings.ContainsAny(p.value, "?#") {
			return nil, nil, false
		}
		return []string{p.value}, nil, true
	case pathExact:
		if !strings.HasPrefix(p.value, "/") || strings.ContainsAny(p.value, "?#") {
			return nil, nil, false
		}
		return nil, []string{p.value}, true
	case pathSegment:
		v := strings.TrimSuffix(p.value, "/")
		if v == "" {
			return nil, nil, true
		}
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?#") {
			return nil, nil, false
		}
		return []string{v + "/"}, []string{v}, true
	case pathRegex:
		if lit, complete := literal(p.value); complete {
			return under(pathMatch{kind: pathExact, value: lit})
		}
	}
	return nil, nil, false
}

// over is the smallest set of paths cors-wasm can write that holds the
// match; empty when the match can hold no request path at all.
func over(p pathMatch) (prefixes, paths []string, empty bool) {
	v := p.value
	switch p.kind {
	case pathAll, pathOther:
		return nil, nil, false
	case pathPrefix, pathExact:
		if p.kind == pathExact && strings.Contains(v, "?") {
			return nil, nil, true // compared with the path once the query is removed: never equal
		}
		if !strings.HasPrefix(v, "/") && v != "" {
			return nil, nil, true // request paths start with "/"
		}
	case pathSegment:
		v = strings.TrimSuffix(v, "/")
		if v != "" && !strings.HasPrefix(v, "/") {
			return nil, nil, true
		}
	case pathRegex:
		lit, complete := literal(v)
		if complete {
			return over(pathMatch{kind: pathExact, value: lit, foldCase: p.foldCase})
		}
		v = lit
		if v != "" && !strings.HasPrefix(v, "/") {
			return nil, nil, true
		}
	}
	if i := strings.IndexAny(v, "?#"); i >= 0 {
		// cors-wasm matches the path before '?': the part in front of it
		// holds every request the source matches.
		return nil, []string{v[:i]}, v[:i] == ""
	}
	if p.foldCase {
		// Any spelling of the letters: keep what comes before the first.
		if i := strings.IndexFunc(v, isLetter); i >= 0 {
			return prefixOrAll(v[:i]), nil, false
		}
	}
	if p.kind == pathRegex {
		return prefixOrAll(v), nil, false
	}
	prefixes, paths, _ = under(pathMatch{kind: p.kind, value: v})
	return prefixes, paths, false
}

// exactly reports whether under and over are the same set: the policy
// written for the match is the match.
func exactly(p pathMatch) bool {
	if p.foldCase && strings.IndexFunc(p.value, isLetter) >= 0 {
		return false
	}
	_, _, ok := under(p)
	return ok
}

func prefixOrAll(v string) []string {
	if v == "" || v == "/" {
		return nil
	}
	return []string{v}
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// literal is the literal prefix every full match of the RE2 regex starts
// with, and whether the regex matches that string only.
func literal(expr string) (string, bool) {
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		return "", false
	}
	return re.LiteralPrefix()
}
