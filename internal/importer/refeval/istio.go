package refeval

import (
	"sort"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"
)

// Istio evaluates VirtualServices as Istio hands them to Envoy.
type Istio struct {
	M *Manifests
	// Reverse: VirtualServices sharing a host without creation times are
	// merged newest first instead of in input order (either may hold).
	Reverse bool
	// Literal: behind Envoy before 1.22 (see Envoy.Literal).
	Literal bool
}

// istioRoute is one http route after delegation.
type istioRoute struct {
	route *networking.HTTPRoute
}

// Serve answers r as an Istio proxy would.
func (s Istio) Serve(r Request, preflight bool) Response {
	routes := s.routesFor(strings.ToLower(r.Host))
	if routes == nil {
		return Response{Status: 404, Header: map[string]string{}}
	}
	for _, rt := range routes {
		if !istioRouteFits(rt.route.GetMatch(), r, preflight) {
			continue
		}
		if rt.route.GetRedirect() != nil || rt.route.GetDirectResponse() != nil || rt.route.GetCorsPolicy() == nil {
			return Response{Status: 200, Header: map[string]string{}}
		}
		return envoyFilter([]*corsv3.CorsPolicy{istioCORS(rt.route.GetCorsPolicy())}, r, preflight, s.Literal)
	}
	return Response{Status: 404, Header: map[string]string{}}
}

// routesFor picks the VirtualServices of the most specific host matching
// (Envoy picks one virtual host per request; Istio makes one per host) and
// returns their routes, delegates merged in (pilot/pkg/model/virtualservice.go).
func (s Istio) routesFor(host string) []istioRoute {
	bestClass, bestLen := 9, 0
	var vss []*VirtualService
	for _, vs := range s.M.VirtualServices {
		for _, h := range vs.Spec.GetHosts() {
			for _, name := range istioNames(h, vs.Meta.Namespace) {
				class, n, ok := hostClass(name, host)
				if !ok {
					continue
				}
				if class < bestClass || class == bestClass && n > bestLen {
					bestClass, bestLen, vss = class, n, nil
				}
				if class == bestClass && n == bestLen && (len(vss) == 0 || vss[len(vss)-1] != vs) {
					vss = append(vss, vs)
				}
			}
		}
	}
	timed := true
	for _, vs := range vss {
		timed = timed && !vs.Meta.CreationTimestamp.IsZero()
	}
	switch {
	case timed:
		sort.SliceStable(vss, func(i, j int) bool { return vss[i].Meta.CreationTimestamp.Before(&vss[j].Meta.CreationTimestamp) })
	case s.Reverse:
		for i, j := 0, len(vss)-1; i < j; i, j = i+1, j-1 {
			vss[i], vss[j] = vss[j], vss[i]
		}
	}
	var out []istioRoute
	for _, vs := range vss {
		out = append(out, s.expand(vs)...)
	}
	return out
}

// istioNames is what a VirtualService host stands for: a short name is
// the service in the VirtualService's namespace, reachable by each of the
// names Istio writes as domains.
func istioNames(h, ns string) []string {
	h = strings.ToLower(h)
	if strings.Contains(h, ".") || h == "*" || ns == "" {
		return []string{h}
	}
	return []string{h, h + "." + ns, h + "." + ns + ".svc", h + "." + ns + ".svc.cluster.local"}
}

// hostClass ranks a host pattern matching host as Envoy ranks domains:
// 0 exact, 1 wildcard (longer first), 3 "*".
func hostClass(pattern, host string) (int, int, bool) {
	switch {
	case pattern == host:
		return 0, len(pattern), true
	case pattern == "*":
		return 3, 0, true
	case strings.HasPrefix(pattern, "*.") && strings.HasSuffix(host, pattern[1:]) && len(host) > len(pattern)-1:
		return 1, len(pattern), true
	}
	return 0, 0, false
}

// expand lists a VirtualService's routes with each delegating route
// replaced by the delegate's routes merged under it, the delegate's
// corsPolicy or else the root's; a delegate route whose matches conflict
// with the root's is left out, as is a root route whose delegate is
// missing.
func (s Istio) expand(vs *VirtualService) []istioRoute {
	var out []istioRoute
	for _, rt := range vs.Spec.GetHttp() {
		d := rt.GetDelegate()
		if d == nil {
			out = append(out, istioRoute{rt})
			continue
		}
		ns := d.GetNamespace()
		if ns == "" {
			ns = vs.Meta.Namespace
		}
		for _, dvs := range s.M.VirtualServices {
			if len(dvs.Spec.GetHosts()) > 0 || dvs.Meta.Name != d.GetName() || dvs.Meta.Namespace != ns {
				continue
			}
			for _, dr := range dvs.Spec.GetHttp() {
				if merged := mergeRoute(rt, dr); merged != nil {
					out = append(out, istioRoute{merged})
				}
			}
		}
	}
	return out
}

// mergeRoute merges a delegate route under its root route: every delegate
// match must sit inside a root match (a uri prefix inside the root's
// prefix, an exact uri equal to or under it; regexes never do).
func mergeRoute(root, leaf *networking.HTTPRoute) *networking.HTTPRoute {
	out := &networking.HTTPRoute{Match: leaf.GetMatch(), CorsPolicy: leaf.GetCorsPolicy(), Redirect: leaf.GetRedirect(),
		DirectResponse: leaf.GetDirectResponse(), Route: leaf.GetRoute()}
	if out.CorsPolicy == nil {
		out.CorsPolicy = root.GetCorsPolicy()
	}
	if len(root.GetMatch()) == 0 {
		return out
	}
	if len(leaf.GetMatch()) == 0 {
		out.Match = root.GetMatch()
		return out
	}
	out.Match = nil
	for _, lm := range leaf.GetMatch() {
		found := false
		for _, rm := range root.GetMatch() {
			if !inside(rm.GetUri(), lm.GetUri()) || rm.GetIgnoreUriCase() != lm.GetIgnoreUriCase() ||
				rm.GetMethod() != nil && lm.GetMethod() != nil && !inside(rm.GetMethod(), lm.GetMethod()) {
				continue
			}
			m := &networking.HTTPMatchRequest{Uri: lm.GetUri(), Method: lm.GetMethod(), IgnoreUriCase: lm.GetIgnoreUriCase(),
				Headers: map[string]*networking.StringMatch{}, QueryParams: map[string]*networking.StringMatch{}}
			if m.Uri == nil {
				m.Uri = rm.GetUri()
			}
			if m.Method == nil {
				m.Method = rm.GetMethod()
			}
			for k, v := range rm.GetHeaders() {
				m.Headers[k] = v
			}
			for k, v := range lm.GetHeaders() {
				m.Headers[k] = v
			}
			for k, v := range rm.GetQueryParams() {
				m.QueryParams[k] = v
			}
			for k, v := range lm.GetQueryParams() {
				m.QueryParams[k] = v
			}
			out.Match = append(out.Match, m)
			found = true
		}
		if !found {
			return nil
		}
	}
	return out
}

// inside: a leaf condition lies within the root's (unset on either side
// always does).
func inside(root, leaf *networking.StringMatch) bool {
	if root == nil || leaf == nil {
		return true
	}
	if root.GetRegex() != "" || leaf.GetRegex() != "" {
		return false
	}
	if e := root.GetExact(); e != "" {
		return leaf.GetExact() == e
	}
	if p := root.GetPrefix(); p != "" {
		v := leaf.GetPrefix() + leaf.GetExact()
		return v != "" && strings.HasPrefix(v, p)
	}
	return false
}

// istioRouteFits: a route with no match takes every request; otherwise
// one match must fit (uri exact, byte prefix or regex, ignoreUriCase;
// method; headers and query parameters the generated routes use).
func istioRouteFits(ms []*networking.HTTPMatchRequest, r Request, preflight bool) bool {
	if len(ms) == 0 {
		return true
	}
	path, query, _ := strings.Cut(r.Path, "?")
	method := r.Method
	if preflight {
		method = "OPTIONS"
	}
	for _, m := range ms {
		if u := m.GetUri(); u != nil && !istioStringFits(u, path, r.Path, m.GetIgnoreUriCase()) {
			continue
		}
		if mm := m.GetMethod(); mm != nil && !istioStringFits(mm, method, method, false) {
			continue
		}
		ok := true
		for name := range m.GetHeaders() {
			ok = ok && hasHeader(r, preflight, strings.ToLower(name), "1")
		}
		for name, v := range m.GetQueryParams() {
			ok = ok && strings.Contains("&"+query+"&", "&"+name+"="+v.GetExact()+"&")
		}
		if ok && m.GetPort() == 0 && len(m.GetWithoutHeaders()) == 0 {
			return true
		}
	}
	return false
}

// istioStringFits: exact compares the path without its query, prefix the
// whole :path (Envoy's prefix), regex the path without its query.
func istioStringFits(sm *networking.StringMatch, path, full string, fold bool) bool {
	eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
	switch {
	case sm.GetExact() != "" || sm.GetMatchType() == nil:
		return eq(path, sm.GetExact())
	case sm.GetPrefix() != "":
		p := sm.GetPrefix()
		return len(full) >= len(p) && eq(full[:len(p)], p)
	default:
		expr := sm.GetRegex()
		if fold {
			expr = "(?i)(?:" + expr + ")"
		}
		return fullMatch(expr, path)
	}
}

// istioCORS is TranslateCORSPolicy (pilot/pkg/networking/core/route/route.go):
// allowOrigins as Envoy matchers, else allowOrigin as exact ones; the
// lists joined with ","; unmatchedPreflights IGNORE as
// forward_not_matching_preflights false; the filter enabled at 100%.
func istioCORS(in *networking.CorsPolicy) *corsv3.CorsPolicy {
	out := &corsv3.CorsPolicy{AllowCredentials: in.GetAllowCredentials(),
		AllowHeaders: strings.Join(in.GetAllowHeaders(), ","), AllowMethods: strings.Join(in.GetAllowMethods(), ","),
		ExposeHeaders:                strings.Join(in.GetExposeHeaders(), ","),
		FilterEnabled:                &corev3.RuntimeFractionalPercent{DefaultValue: &typev3.FractionalPercent{Numerator: 100}},
		ForwardNotMatchingPreflights: wrapperspb.Bool(in.GetUnmatchedPreflights() != networking.CorsPolicy_IGNORE)}
	if in.GetMaxAge() != nil {
		out.MaxAge = strconv.FormatInt(in.GetMaxAge().GetSeconds(), 10)
	}
	if in.GetAllowOrigins() != nil {
		for _, o := range in.GetAllowOrigins() {
			m := &matcherv3.StringMatcher{}
			switch t := o.GetMatchType().(type) {
			case *networking.StringMatch_Exact:
				m.MatchPattern = &matcherv3.StringMatcher_Exact{Exact: t.Exact}
			case *networking.StringMatch_Prefix:
				m.MatchPattern = &matcherv3.StringMatcher_Prefix{Prefix: t.Prefix}
			case *networking.StringMatch_Regex:
				m.MatchPattern = &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: t.Regex}}
			}
			out.AllowOriginStringMatch = append(out.AllowOriginStringMatch, m)
		}
	} else {
		for _, o := range in.GetAllowOrigin() {
			out.AllowOriginStringMatch = append(out.AllowOriginStringMatch, &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: o}})
		}
	}
	return out
}
