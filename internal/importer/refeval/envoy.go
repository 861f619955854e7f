package refeval

import (
	"sort"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

// Envoy evaluates a RouteConfiguration behind Envoy's CORS filter, for
// requests whose :authority has no port.
type Envoy struct {
	RC *routev3.RouteConfiguration
	// Literal: Envoy before 1.22, which sent allow_methods and
	// allow_headers as written, a lone "*" too; later versions echo the
	// request's method or headers for a lone "*".
	Literal bool
}

// Serve answers r as Envoy would.
func (e Envoy) Serve(r Request, preflight bool) Response {
	vh := envoyVirtualHost(e.RC.GetVirtualHosts(), r.Host)
	if vh == nil {
		return Response{Status: 404, Header: map[string]string{}}
	}
	for _, rt := range vh.GetRoutes() {
		if !envoyRouteFits(rt.GetMatch(), r, preflight) {
			continue
		}
		if _, ok := rt.GetAction().(*routev3.Route_Route); !ok {
			// No route entry: the CORS filter does nothing (cors_filter.cc,
			// decodeHeaders); the router answers.
			return Response{Status: 200, Header: map[string]string{}}
		}
		return envoyFilter(envoyPolicies(e.RC, vh, rt), r, preflight, e.Literal)
	}
	return Response{Status: 404, Header: map[string]string{}}
}

// envoyVirtualHost picks the virtual host whose domain matches the host:
// exact names first, then suffix wildcards, then prefix wildcards, each
// longest first, then "*" (route_components.proto, VirtualHost.domains).
func envoyVirtualHost(vhs []*routev3.VirtualHost, host string) *routev3.VirtualHost {
	host = strings.ToLower(host)
	type hit struct {
		vh    *routev3.VirtualHost
		class int
		n     int
	}
	var hits []hit
	for _, vh := range vhs {
		for _, d := range vh.GetDomains() {
			d = strings.ToLower(d)
			switch {
			case d == host:
				hits = append(hits, hit{vh, 0, len(d)})
			case d == "*":
				hits = append(hits, hit{vh, 3, 0})
			case strings.HasPrefix(d, "*") && strings.HasSuffix(host, d[1:]) && len(host) > len(d)-1:
				hits = append(hits, hit{vh, 1, len(d)})
			case strings.HasSuffix(d, "*") && strings.HasPrefix(host, d[:len(d)-1]) && len(host) > len(d)-1:
				hits = append(hits, hit{vh, 2, len(d)})
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	sort.SliceStable(hits, func(i, j int) bool {
		return hits[i].class < hits[j].class || hits[i].class == hits[j].class && hits[i].n > hits[j].n
	})
	return hits[0].vh
}

// envoyRouteFits checks a RouteMatch: the path specifier (on the path
// without its query, except for prefix, which sees the whole :path), the
// header and query parameter matchers the generated routes use.
func envoyRouteFits(m *routev3.RouteMatch, r Request, preflight bool) bool {
	path, query, _ := strings.Cut(r.Path, "?")
	fold := m.GetCaseSensitive() != nil && !m.GetCaseSensitive().GetValue()
	eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
	hasPrefix := func(s, p string) bool { return len(s) >= len(p) && eq(s[:len(p)], p) }
	switch ps := m.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		if !hasPrefix(r.Path, ps.Prefix) {
			return false
		}
	case *routev3.RouteMatch_Path:
		if !eq(path, ps.Path) {
			return false
		}
	case *routev3.RouteMatch_PathSeparatedPrefix:
		p := ps.PathSeparatedPrefix
		if !hasPrefix(path, p) || len(path) > len(p) && path[len(p)] != '/' {
			return false
		}
	case *routev3.RouteMatch_SafeRegex:
		expr := ps.SafeRegex.GetRegex()
		if fold {
			expr = "(?i)(?:" + expr + ")"
		}
		if !fullMatch(expr, path) {
			return false
		}
	default:
		return false
	}
	method := r.Method
	if preflight {
		method = "OPTIONS"
	}
	for _, h := range m.GetHeaders() {
		name := strings.ToLower(h.GetName())
		ok := false
		switch {
		case name == ":method":
			ok = h.GetStringMatch().GetExact() == method
		default:
			ok = hasHeader(r, preflight, name, "1")
		}
		if ok == h.GetInvertMatch() {
			return false
		}
	}
	for _, q := range m.GetQueryParameters() {
		if !strings.Contains("&"+query+"&", "&"+q.GetName()+"="+q.GetStringMatch().GetExact()+"&") {
			return false
		}
	}
	return m.GetRuntimeFraction() == nil
}

// envoyPolicies lists the policies the CORS filter reads for a route,
// most specific first (cors_filter.cc, initializeCorsPolicies); only
// disabledPolicy when the most specific FilterConfig turns the filter off.
func envoyPolicies(rc *routev3.RouteConfiguration, vh *routev3.VirtualHost, rt *routev3.Route) []*corsv3.CorsPolicy {
	var out []*corsv3.CorsPolicy
	decided := false
	for _, typed := range []map[string]*anypb.Any{rt.GetTypedPerFilterConfig(), vh.GetTypedPerFilterConfig(), rc.GetTypedPerFilterConfig()} {
		for _, name := range sortedNames(typed) {
			msg, err := typed[name].UnmarshalNew()
			if err != nil {
				continue
			}
			switch m := msg.(type) {
			case *corsv3.CorsPolicy:
				out = append(out, m)
			case *routev3.FilterConfig:
				inner, _ := m.GetConfig().UnmarshalNew()
				c, isCORS := inner.(*corsv3.CorsPolicy)
				if !isCORS && !strings.Contains(name, "cors") {
					continue
				}
				if !decided {
					decided = true
					if m.GetDisabled() {
						return []*corsv3.CorsPolicy{disabledPolicy}
					}
				}
				if isCORS {
					out = append(out, c)
				}
			}
		}
	}
	if len(out) == 0 {
		for _, legacy := range []*routev3.CorsPolicy{rt.GetRoute().GetCors(), vh.GetCors()} {
			if legacy != nil {
				out = append(out, &corsv3.CorsPolicy{AllowOriginStringMatch: legacy.GetAllowOriginStringMatch(),
					AllowMethods: legacy.GetAllowMethods(), AllowHeaders: legacy.GetAllowHeaders(), ExposeHeaders: legacy.GetExposeHeaders(),
					MaxAge: legacy.GetMaxAge(), AllowCredentials: legacy.GetAllowCredentials(), FilterEnabled: legacy.GetFilterEnabled(),
					ShadowEnabled: legacy.GetShadowEnabled(), AllowPrivateNetworkAccess: legacy.GetAllowPrivateNetworkAccess(),
					ForwardNotMatchingPreflights: legacy.GetForwardNotMatchingPreflights()})
			}
		}
	}
	return out
}

// disabledPolicy stands for a filter a FilterConfig turns off.
var disabledPolicy = &corsv3.CorsPolicy{}

func sortedNames(m map[string]*anypb.Any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// envoyFilter is CorsFilter::decodeHeaders and encodeHeaders with the
// route's policies: each setting from the first policy that has it,
// filter_enabled and shadow_enabled from the first policy. A share of
// requests below 100% counts as off: on any one request the filter may be.
func envoyFilter(ps []*corsv3.CorsPolicy, r Request, preflight, literal bool) Response {
	resp := Response{Status: 200, Header: map[string]string{}}
	if len(ps) == 0 || ps[0] == disabledPolicy || fraction(ps[0]) < 100 {
		return resp // off, or shadow only: the request passes untouched
	}
	var origins []*matcherv3.StringMatcher
	var methods, headers, expose string
	creds := false
	credsSet, forwardSet, forward := false, false, true
	for _, p := range ps {
		if len(origins) == 0 {
			origins = p.GetAllowOriginStringMatch()
		}
		if methods == "" {
			methods = p.GetAllowMethods()
		}
		if headers == "" {
			headers = p.GetAllowHeaders()
		}
		if expose == "" {
			expose = p.GetExposeHeaders()
		}
		if !credsSet && p.GetAllowCredentials() != nil {
			creds, credsSet = p.GetAllowCredentials().GetValue(), true
		}
		if !forwardSet && p.GetForwardNotMatchingPreflights() != nil {
			forward, forwardSet = p.GetForwardNotMatchingPreflights().GetValue(), true
		}
	}
	allowed := false
	for _, m := range origins {
		allowed = allowed || stringMatches(m, "*") || stringMatches(m, r.Origin)
	}
	h := resp.Header
	if !preflight {
		if allowed {
			h["access-control-allow-origin"] = r.Origin
			if creds {
				h["access-control-allow-credentials"] = "true"
			}
			if expose != "" {
				h["access-control-expose-headers"] = expose
			}
		}
		return resp
	}
	if !allowed && forward {
		return resp // forwarded: the upstream answers without CORS headers
	}
	if allowed {
		h["access-control-allow-origin"] = r.Origin
	}
	if creds {
		h["access-control-allow-credentials"] = "true"
	}
	switch {
	case methods == "":
	case methods == "*" && !literal:
		h["access-control-allow-methods"] = r.Method
	default:
		h["access-control-allow-methods"] = methods
	}
	switch {
	case headers == "":
	case headers == "*" && !literal:
		if len(r.Headers) > 0 {
			h["access-control-allow-headers"] = RequestHeaders(r)
		}
	default:
		h["access-control-allow-headers"] = headers
	}
	return resp
}

// fraction is filter_enabled's default value in percent (100 when unset).
func fraction(p *corsv3.CorsPolicy) float64 {
	fe := p.GetFilterEnabled()
	if fe == nil {
		return 100
	}
	v := fe.GetDefaultValue()
	n := float64(v.GetNumerator())
	switch v.GetDenominator() {
	case typev3.FractionalPercent_TEN_THOUSAND:
		n /= 100
	case typev3.FractionalPercent_MILLION:
		n /= 10000
	}
	return n
}

// stringMatches is Envoy's StringMatcher (type/matcher/v3/string.proto):
// exact, prefix, suffix, contains, or a safe regex over the whole value;
// ignore_case for all but the regex.
func stringMatches(m *matcherv3.StringMatcher, v string) bool {
	fold := func(s string) string {
		if m.GetIgnoreCase() {
			return strings.ToLower(s)
		}
		return s
	}
	switch p := m.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		return fold(v) == fold(p.Exact)
	case *matcherv3.StringMatcher_Prefix:
		return strings.HasPrefix(fold(v), fold(p.Prefix))
	case *matcherv3.StringMatcher_Suffix:
		return strings.HasSuffix(fold(v), fold(p.Suffix))
	case *matcherv3.StringMatcher_Contains:
		return strings.Contains(fold(v), fold(p.Contains))
	case *matcherv3.StringMatcher_SafeRegex:
		return fullMatch(p.SafeRegex.GetRegex(), v)
	}
	return false
}
