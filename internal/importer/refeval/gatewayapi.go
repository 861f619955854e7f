package refeval

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/cors-wasm/cors-wasm/internal/importer"
)

// GatewayAPI evaluates HTTPRoutes (and Envoy Gateway SecurityPolicies on
// them) in one of the worlds the files leave open.
type GatewayAPI struct {
	M *Manifests
	// FallThrough: when no match of the routes of the most specific
	// hostname fits, the routes of less specific hostnames are tried
	// (one reading of HTTPRoute.spec.hostnames); otherwise the request gets
	// no route (Envoy Gateway's and Istio's virtual host per hostname).
	FallThrough bool
	// Reverse: routes without a creation time tie-break by name descending
	// instead of ascending (they may have been created in either order).
	Reverse bool
}

// candidate is one match of a rule that fits the request.
type candidate struct {
	route       *gwv1.HTTPRoute
	rule, match int
	host        [2]int // characters of the matching non-wildcard hostname, of the matching hostname
	rank        [5]int
}

// Serve answers r as the gateway would.
func (g GatewayAPI) Serve(r Request, preflight bool) Response {
	c := g.route(r, preflight)
	if c == nil {
		return Response{Status: 404, Header: map[string]string{}}
	}
	cors := g.corsOf(c)
	if cors == nil {
		return Response{Status: 200, Header: map[string]string{}}
	}
	return gatewayCORS(cors, r, preflight)
}

// route picks the match that serves the request (HTTPRouteSpec.Hostnames,
// HTTPRouteRule.Matches docs).
func (g GatewayAPI) route(r Request, preflight bool) *candidate {
	host := strings.ToLower(r.Host)
	var cs []candidate
	for _, rt := range g.M.HTTPRoutes {
		hk, ok := hostKey(rt, host)
		if !ok {
			continue
		}
		for ri, rule := range rt.Spec.Rules {
			matches := rule.Matches
			if len(matches) == 0 {
				matches = []gwv1.HTTPRouteMatch{{}}
			}
			for mi, m := range matches {
				if rank, ok := matchFits(m, r, preflight); ok {
					cs = append(cs, candidate{route: rt, rule: ri, match: mi, host: hk, rank: rank})
				}
			}
		}
	}
	best := [2]int{-1, -1}
	for _, rt := range g.M.HTTPRoutes {
		if hk, ok := hostKey(rt, host); ok && less2(best, hk) {
			best = hk
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return g.before(&cs[i], &cs[j]) })
	for i := range cs {
		if g.FallThrough || cs[i].host == best {
			return &cs[i]
		}
	}
	return nil
}

func less2(a, b [2]int) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// hostKey ranks the route's best hostname matching host: characters in a
// matching non-wildcard hostname, then in a matching hostname. A route
// without hostnames matches every host, ranking last.
func hostKey(rt *gwv1.HTTPRoute, host string) ([2]int, bool) {
	if len(rt.Spec.Hostnames) == 0 {
		return [2]int{0, 0}, true
	}
	best, found := [2]int{}, false
	for _, h := range rt.Spec.Hostnames {
		p := strings.ToLower(string(h))
		var k [2]int
		switch {
		case p == host:
			k = [2]int{len(p), len(p)}
		case strings.HasPrefix(p, "*.") && strings.HasSuffix(host, p[1:]) && len(host) > len(p)-1:
			k = [2]int{0, len(p)}
		default:
			continue
		}
		if !found || less2(best, k) {
			best, found = k, true
		}
	}
	return best, found
}

// matchFits checks a match against the request and returns its rank: an
// Exact path first, then longer PathPrefix values, a method match, more
// header matches, more query matches (HTTPRouteRule.Matches docs).
// RegularExpression ranks between Exact and PathPrefix here.
func matchFits(m gwv1.HTTPRouteMatch, r Request, preflight bool) ([5]int, bool) {
	path, query, _ := strings.Cut(r.Path, "?")
	typ, value := gwv1.PathMatchPathPrefix, "/"
	if m.Path != nil && m.Path.Type != nil {
		typ = *m.Path.Type
	}
	if m.Path != nil && m.Path.Value != nil {
		value = *m.Path.Value
	}
	var rank [5]int
	switch typ {
	case gwv1.PathMatchExact:
		if path != value {
			return rank, false
		}
		rank[0] = 0
	case gwv1.PathMatchRegularExpression:
		if !fullMatch(value, path) {
			return rank, false
		}
		rank[0] = 1
	default:
		v := strings.TrimSuffix(value, "/")
		if v != "" && path != v && !strings.HasPrefix(path, v+"/") {
			return rank, false
		}
		rank[0], rank[1] = 2, -len(value)
	}
	method := r.Method
	if preflight {
		method = "OPTIONS"
	}
	if m.Method != nil {
		if string(*m.Method) != method {
			return rank, false
		}
	} else {
		rank[2] = 1
	}
	for _, h := range m.Headers {
		if !hasHeader(r, preflight, strings.ToLower(string(h.Name)), h.Value) {
			return rank, false
		}
	}
	for _, q := range m.QueryParams {
		if !strings.Contains("&"+query+"&", "&"+string(q.Name)+"="+q.Value+"&") {
			return rank, false
		}
	}
	rank[3], rank[4] = -len(m.Headers), -len(m.QueryParams)
	return rank, true
}

// hasHeader: the page's custom headers travel on the request itself, and
// only their names (in Access-Control-Request-Headers) on its preflight.
func hasHeader(r Request, preflight bool, name, value string) bool {
	if preflight || value != "1" {
		return false
	}
	for _, h := range r.Headers {
		if h == name {
			return true
		}
	}
	return false
}

// before orders candidates: hostname, match rank, then the older route,
// "{namespace}/{name}", rule order, match order.
func (g GatewayAPI) before(a, b *candidate) bool {
	if a.host != b.host {
		return less2(b.host, a.host)
	}
	if a.rank != b.rank {
		for k := range a.rank {
			if a.rank[k] != b.rank[k] {
				return a.rank[k] < b.rank[k]
			}
		}
	}
	if a.route != b.route {
		ta, tb := a.route.CreationTimestamp, b.route.CreationTimestamp
		if !ta.IsZero() && !tb.IsZero() && !ta.Equal(&tb) {
			return ta.Before(&tb)
		}
		ka, kb := a.route.Namespace+"/"+a.route.Name, b.route.Namespace+"/"+b.route.Name
		if g.Reverse {
			return ka > kb
		}
		return ka < kb
	}
	if a.rule != b.rule {
		return a.rule < b.rule
	}
	return a.match < b.match
}

// gwCORS is the CORS settings of a rule, from its filter or a
// SecurityPolicy (both read as HTTPCORSFilter fields).
type gwCORS struct {
	origins, methods, headers, expose []string
	credentials                       bool
}

// corsOf finds the CORS settings of the candidate's rule: its CORS filter,
// else a SecurityPolicy on the rule, the route or its Gateway.
func (g GatewayAPI) corsOf(c *candidate) *gwCORS {
	rule := c.route.Spec.Rules[c.rule]
	for _, f := range rule.Filters {
		if f.Type == gwv1.HTTPRouteFilterCORS && f.CORS != nil {
			out := &gwCORS{credentials: f.CORS.AllowCredentials != nil && *f.CORS.AllowCredentials}
			for _, o := range f.CORS.AllowOrigins {
				out.origins = append(out.origins, string(o))
			}
			for _, m := range f.CORS.AllowMethods {
				out.methods = append(out.methods, string(m))
			}
			for _, h := range f.CORS.AllowHeaders {
				out.headers = append(out.headers, string(h))
			}
			for _, h := range f.CORS.ExposeHeaders {
				out.expose = append(out.expose, string(h))
			}
			return out
		}
	}
	var best *importer.SecurityPolicy
	level := 3
	for _, sp := range g.M.SecurityPolicies {
		if sp.Spec.CORS == nil {
			continue
		}
		for _, t := range append(sp.Spec.TargetRefs, derefTarget(sp)...) {
			l := targetLevel(sp, t.Kind, string(t.Name), t.SectionName, c)
			if l < level {
				best, level = sp, l
			}
		}
	}
	if best == nil {
		return nil
	}
	cc := best.Spec.CORS
	return &gwCORS{origins: cc.AllowOrigins, methods: cc.AllowMethods, headers: cc.AllowHeaders, expose: cc.ExposeHeaders,
		credentials: cc.AllowCredentials != nil && *cc.AllowCredentials}
}

func derefTarget(sp *importer.SecurityPolicy) []gwv1.LocalPolicyTargetReferenceWithSectionName {
	if sp.Spec.TargetRef == nil {
		return nil
	}
	return []gwv1.LocalPolicyTargetReferenceWithSectionName{*sp.Spec.TargetRef}
}

// targetLevel is how specifically a policy target names the candidate's
// rule: 0 its section, 1 its route, 2 its Gateway, 3 not at all.
func targetLevel(sp *importer.SecurityPolicy, kind gwv1.Kind, name string, section *gwv1.SectionName, c *candidate) int {
	rt := c.route
	switch {
	case kind == "HTTPRoute" && name == rt.Name && sp.Namespace == rt.Namespace:
		if section == nil {
			return 1
		}
		if n := rt.Spec.Rules[c.rule].Name; n != nil && *n == *section {
			return 0
		}
	case kind == "Gateway" && sp.Namespace == rt.Namespace:
		for _, p := range rt.Spec.ParentRefs {
			if string(p.Name) == name && (p.Namespace == nil || string(*p.Namespace) == sp.Namespace) {
				return 2
			}
		}
	}
	return 3
}

// gatewayCORS answers as the HTTPCORSFilter docs say: a preflight from an
// allowed origin gets 200 with the origin (or "*" without credentials),
// the methods and headers (a "*" echoed as the request's values with
// credentials), the exposed headers; any other preflight gets 200 without
// CORS headers. Other requests get the origin, credentials and exposed
// headers on the upstream's answer.
func gatewayCORS(c *gwCORS, r Request, preflight bool) Response {
	resp := Response{Status: 200, Header: map[string]string{}}
	if !gatewayOriginAllowed(c.origins, r.Origin) {
		return resp
	}
	h := resp.Header
	h["access-control-allow-origin"] = r.Origin
	if c.credentials {
		h["access-control-allow-credentials"] = "true"
	}
	if len(c.expose) > 0 {
		h["access-control-expose-headers"] = strings.Join(c.expose, ", ")
	}
	if !preflight {
		return resp
	}
	switch {
	case len(c.methods) == 1 && c.methods[0] == "*" && c.credentials:
		h["access-control-allow-methods"] = r.Method
	case len(c.methods) > 0:
		h["access-control-allow-methods"] = strings.Join(c.methods, ", ")
	}
	switch {
	case len(c.headers) == 1 && c.headers[0] == "*" && c.credentials:
		if len(r.Headers) > 0 {
			h["access-control-allow-headers"] = RequestHeaders(r)
		}
	case len(c.headers) > 0:
		h["access-control-allow-headers"] = strings.Join(c.headers, ", ")
	}
	return resp
}

// gatewayOriginAllowed matches an Origin against HTTPCORSFilter
// allowOrigins: "*" alone is every origin; a "*" in the host is a greedy
// match to the left, over any number of labels; a missing port is the
// scheme's default (80 for http, 443 for https).
func gatewayOriginAllowed(patterns []string, origin string) bool {
	os, oh, op := splitOrigin(origin)
	for _, p := range patterns {
		if p == "*" {
			return true
		}
		ps, ph, pp := splitOrigin(p)
		if !strings.EqualFold(ps, os) || pp != op {
			continue
		}
		ph = strings.ToLower(ph)
		if fullMatch(strings.ReplaceAll(regexp.QuoteMeta(ph), `\*`, ".*"), oh) {
			return true
		}
	}
	return false
}

// splitOrigin splits scheme://host[:port], filling in the default port.
func splitOrigin(o string) (scheme, host, port string) {
	scheme, rest, _ := strings.Cut(o, "://")
	scheme = strings.ToLower(scheme)
	host, port, ok := strings.Cut(rest, ":")
	if !ok {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	if n, err := strconv.Atoi(port); err == nil {
		port = strconv.Itoa(n)
	}
	return scheme, host, port
}
