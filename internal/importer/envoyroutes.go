package importer

import (
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// envoyGroups builds one group per virtual host domain: the virtual host's
// routes, first match wins (route_components.proto, VirtualHost.routes).
// Envoy picks the virtual host of a request by its domains: exact names,
// then suffix wildcards, then prefix wildcards, each longest first, then
// "*" (VirtualHost.domains).
func (in *importer) envoyGroups(d *rcDoc) []*group {
	rc := d.rc
	seen := map[string]bool{}
	var groups []*group
	if !rc.GetIgnorePortInHostMatching() && len(rc.GetVirtualHosts()) > 0 {
		in.rep.add(d.src, joinPath(d.path, "virtual_hosts"), Changed, "Envoy compares domains with the port of :authority "+
			"(ignore_port_in_host_matching is not set) and cors-wasm ignores ports: the import reads the domains for requests "+
			"without a port, as browsers send them on default ports")
	}
	for vi, vh := range rc.GetVirtualHosts() {
		vpath := joinPath(d.path, "virtual_hosts["+itoa(vi)+"]")
		entries := in.envoyEntries(d, vh, vpath)
		plain := map[string]bool{}
		for _, dom := range vh.GetDomains() {
			plain[strings.ToLower(dom)] = true
		}
		for di, dom := range vh.GetDomains() {
			field := vpath + ".domains[" + itoa(di) + "]"
			g := envoyDomain(d.src, field, strings.ToLower(dom), plain, rc.GetIgnorePortInHostMatching())
			if g == nil {
				in.rep.add(d.src, field, Mapped, q(dom)+": the same virtual host as the domain without the port")
				continue
			}
			if seen[g.pattern] {
				in.rep.add(d.src, field, Ignored, q(dom)+" is a domain of an earlier virtual host too (Envoy refuses such a configuration)")
				continue
			}
			seen[g.pattern] = true
			if g.over {
				in.rep.add(d.src, field, Mapped, g.reason+" -> no_cors for "+hostDesc(g.host)+", as far as its routes go")
			} else {
				in.rep.add(d.src, field, Mapped, q(dom)+" -> match.hosts")
			}
			g.entries = copyEntries(entries)
			groups = append(groups, g)
		}
	}
	return groups
}

// envoyDomain turns one domain into a group for its hosts. It returns nil
// for a domain with a port whose host the same virtual host lists without
// one (the import reads requests without ports).
func envoyDomain(src *source, field, dom string, plain map[string]bool, ignorePort bool) *group {
	g := &group{host: dom, hostField: field, src: src, pattern: dom}
	host, _, hasPort := strings.Cut(dom, ":")
	if hasPort && !strings.HasPrefix(dom, "[") {
		if ignorePort || plain[host] {
			return nil
		}
		g.host, g.pattern, g.over = host, host, true
		g.reason = q(dom) + " matches only requests whose :authority carries that port, and cors-wasm cannot tell them from requests without it, which Envoy gives another virtual host"
	}
	switch h := g.host; {
	case h == "*":
		g.host = ""
	case strings.HasPrefix(h, "*."):
	case strings.HasPrefix(h, "*"):
		// *-bar.example.com: no cors-wasm pattern says "ends in -bar"; the
		// hosts of the label-wise wildcard around it hold them all.
		g.over, g.reason = true, q(dom)+": cors-wasm host patterns are exact or *.suffix"
		g.host = ""
		if i := strings.IndexByte(h, '.'); i >= 0 {
			g.host = "*" + h[i:]
		}
	case strings.HasSuffix(h, "*"):
		g.over, g.reason, g.host = true, q(dom)+": cors-wasm host patterns are exact or *.suffix", ""
	}
	return g
}

// envoyEntries lists a virtual host's routes with the CORS settings that
// apply to each.
func (in *importer) envoyEntries(d *rcDoc, vh *routev3.VirtualHost, vpath string) []*entry {
	var out []*entry
	name := vh.GetName()
	if name == "" {
		name = "vhost"
	}
	for ri, r := range vh.GetRoutes() {
		rpath := vpath + ".routes[" + itoa(ri) + "]"
		e := &entry{src: d.src, field: rpath, name: name + "-" + r.GetName()}
		if r.GetName() == "" {
			e.name = name + "-route-" + itoa(ri)
		}
		e.path, e.cond = envoyRouteMatch(rpath+".match", r.GetMatch())
		_, isRoute := r.GetAction().(*routev3.Route_Route)
		switch {
		case !d.filter:
		case !isRoute:
			// Envoy's CORS filter leaves routes without a route entry
			// (redirects, direct responses) alone: cors_filter.cc.
			if len(envoyPolicies(d, vh, vpath, r, rpath).list) > 0 {
				in.rep.add(d.src, rpath, Ignored, "a redirect or direct response: Envoy answers it without its CORS filter")
			}
		default:
			e.grant = in.envoyGrant(d, vh, vpath, r, rpath)
			if g := e.grant; g != nil && r.GetName() == "" && !strings.HasPrefix(g.field, rpath+".") {
				e.name = name // the virtual host's settings
			}
		}
		out = append(out, e)
	}
	return out
}

// envoyRouteMatch is a route's path condition, and the conditions beyond
// it cors-wasm cannot express.
func envoyRouteMatch(f string, m *routev3.RouteMatch) (pathMatch, string) {
	var conditions []string
	if len(m.GetHeaders()) > 0 {
		conditions = append(conditions, "header matches")
	}
	if len(m.GetQueryParameters()) > 0 {
		conditions = append(conditions, "query parameter matches")
	}
	if m.GetRuntimeFraction() != nil {
		conditions = append(conditions, "runtime_fraction")
	}
	if m.GetGrpc() != nil || m.GetTlsContext() != nil || len(m.GetDynamicMetadata()) > 0 || len(m.GetFilterState()) > 0 {
		conditions = append(conditions, "grpc, tls_context or metadata matches")
	}
	fold := m.GetCaseSensitive() != nil && !m.GetCaseSensitive().GetValue()
	p := pathMatch{kind: pathOther, field: f, foldCase: fold}
	switch ps := m.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		p = pathMatch{kind: pathPrefix, value: ps.Prefix, field: f + ".prefix", foldCase: fold}
	case *routev3.RouteMatch_Path:
		p = pathMatch{kind: pathExact, value: ps.Path, field: f + ".path", foldCase: fold}
	case *routev3.RouteMatch_PathSeparatedPrefix:
		p = pathMatch{kind: pathSegment, value: ps.PathSeparatedPrefix, field: f + ".path_separated_prefix", foldCase: fold}
	case *routev3.RouteMatch_SafeRegex:
		p = pathMatch{kind: pathRegex, value: ps.SafeRegex.GetRegex(), field: f + ".safe_regex", foldCase: fold}
	case *routev3.RouteMatch_ConnectMatcher_:
		conditions = append(conditions, "the CONNECT method")
	}
	return p, strings.Join(conditions, ", ")
}
