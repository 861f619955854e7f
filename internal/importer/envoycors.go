package importer

import (
	"sort"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

// policies is what Envoy's CORS filter reads for one route
// (cors_filter.cc, CorsFilter::initializeCorsPolicies): the per-filter
// CorsPolicy of the route, its virtual host and its RouteConfiguration,
// most specific first; when none has one, the deprecated cors fields of the
// route and the virtual host. Each setting comes from the first policy
// that has it; filter_enabled and shadow_enabled from the first policy.
type policies struct {
	list   []envoyCORS
	fields []string
	off    string // the setting that turns the filter off for the route, "" when on
}

// envoyPolicies collects the policies of a route.
func envoyPolicies(d *rcDoc, vh *routev3.VirtualHost, vpath string, r *routev3.Route, rpath string) policies {
	var p policies
	levels := []struct {
		typed map[string]*anypb.Any
		path  string
	}{{r.GetTypedPerFilterConfig(), rpath}, {vh.GetTypedPerFilterConfig(), vpath}, {d.rc.GetTypedPerFilterConfig(), d.path}}
	decided := false
	for _, l := range levels {
		cp, field, disabled, found := typedCORS(l.typed, l.path)
		if found && !decided {
			// The most specific FilterConfig decides whether the filter
			// runs (route_components.proto, FilterConfig.disabled).
			decided = true
			if disabled {
				p.off = field
			}
		}
		if cp != nil {
			p.list, p.fields = append(p.list, cp), append(p.fields, field)
		}
	}
	if len(p.list) == 0 {
		if c := r.GetRoute().GetCors(); c != nil {
			p.list, p.fields = append(p.list, c), append(p.fields, rpath+".route.cors")
		}
		if c := vh.GetCors(); c != nil {
			p.list, p.fields = append(p.list, c), append(p.fields, vpath+".cors")
		}
	}
	return p
}

// typedCORS finds the CORS filter's entry in a typed_per_filter_config: a
// CorsPolicy, or a FilterConfig wrapping one or turning the filter off.
// found reports an entry that says whether the filter runs.
func typedCORS(typed map[string]*anypb.Any, path string) (cp *corsv3.CorsPolicy, field string, disabled, found bool) {
	for _, name := range sortedAnyKeys(typed) {
		field = joinPath(path, "typed_per_filter_config."+name)
		msg, err := typed[name].UnmarshalNew()
		if err != nil {
			continue
		}
		switch m := msg.(type) {
		case *corsv3.CorsPolicy:
			return m, field, false, false
		case *routev3.FilterConfig:
			inner, _ := m.GetConfig().UnmarshalNew()
			if c, ok := inner.(*corsv3.CorsPolicy); ok {
				return c, field + ".config", m.GetDisabled(), true
			}
			if strings.Contains(name, "cors") {
				return nil, field, m.GetDisabled(), true
			}
		}
	}
	return nil, "", false, false
}

func sortedAnyKeys(m map[string]*anypb.Any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// envoyGrant maps the CORS settings that apply to a route; nil when the
// route grants nothing (no policy, the filter off, or enabled for a share
// of requests only).
func (in *importer) envoyGrant(d *rcDoc, vh *routev3.VirtualHost, vpath string, r *routev3.Route, rpath string) *grant {
	p := envoyPolicies(d, vh, vpath, r, rpath)
	if p.off != "" {
		in.rep.add(d.src, p.off, Mapped, "the CORS filter is turned off here -> no_cors: cors-wasm grants nothing on the route's paths")
		return nil
	}
	if len(p.list) == 0 {
		return nil
	}
	key := strings.Join(p.fields, "|")
	if g, ok := in.envoyGrants[key]; ok {
		return g
	}
	in.settings++
	g := &grant{src: d.src, field: p.fields[0]}
	if !enabled(g, in.rep, p) {
		g = nil
	} else {
		mapEnvoyCORS(g, in.rep, p)
	}
	in.envoyGrants[key] = g
	return g
}

// first returns the field path and index of the first policy for which
// has is true, -1 for none.
func (p policies) first(has func(envoyCORS) bool) (string, int) {
	for i, c := range p.list {
		if has(c) {
			return p.fields[i], i
		}
	}
	return "", -1
}

// mapEnvoyCORS maps the merged settings of a route.
func mapEnvoyCORS(g *grant, rep *Report, p policies) {
	if f, i := p.first(func(c envoyCORS) bool { return len(c.GetAllowOriginStringMatch()) > 0 }); i >= 0 {
		for j, m := range p.list[i].GetAllowOriginStringMatch() {
			addOriginMatcher(g, rep, f+".allow_origin_string_match["+strconv.Itoa(j)+"]", envoyStringMatch(m))
		}
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetAllowMethods() != "" }); i >= 0 {
		addMethods(g, rep, f+".allow_methods", splitList(p.list[i].GetAllowMethods()))
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetAllowHeaders() != "" }); i >= 0 {
		addHeaders(g, rep, f+".allow_headers", splitList(p.list[i].GetAllowHeaders()))
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetExposeHeaders() != "" }); i >= 0 {
		addExpose(g, rep, f+".expose_headers", splitList(p.list[i].GetExposeHeaders()))
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetAllowCredentials() != nil }); i >= 0 {
		setCredentials(g, rep, f+".allow_credentials", p.list[i].GetAllowCredentials().GetValue())
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetMaxAge() != "" }); i >= 0 {
		ma := p.list[i].GetMaxAge()
		if n, err := strconv.ParseInt(ma, 10, 64); err != nil {
			rep.add(g.src, f+".max_age", Dropped, q(ma)+": not a number of seconds")
		} else {
			setMaxAge(g, rep, f+".max_age", n)
		}
	}
	if f, i := p.first(func(c envoyCORS) bool { return c.GetAllowPrivateNetworkAccess() != nil }); i >= 0 {
		g.privateNet = p.list[i].GetAllowPrivateNetworkAccess().GetValue()
		rep.add(g.src, f+".allow_private_network_access", Mapped, strconv.FormatBool(g.privateNet)+" -> allow_private_network")
	}
	literalStars(g, rep)
	if f, i := p.first(func(c envoyCORS) bool { return c.GetForwardNotMatchingPreflights() != nil }); i >= 0 && !p.list[i].GetForwardNotMatchingPreflights().GetValue() {
		g.onRejected = "reject"
		rep.add(g.src, f+".forward_not_matching_preflights", Changed, "false -> on_rejected_preflight \"reject\": Envoy answers such preflights with 200 and no CORS headers, cors-wasm with 403 and no CORS headers; both fail in the browser")
	} else {
		g.onRejected = "forward"
		rep.add(g.src, p.fields[0], Mapped, "forward_not_matching_preflights true (Envoy's default) -> on_rejected_preflight \"forward\": preflights from origins not allowed reach the upstream")
	}
}

// envoyStringMatch reads an Envoy string matcher.
func envoyStringMatch(m *matcherv3.StringMatcher) stringMatch {
	sm := stringMatch{exact: m.GetExact(), prefix: m.GetPrefix(), suffix: m.GetSuffix(), contains: m.GetContains(),
		regex: m.GetSafeRegex().GetRegex(), ignoreCase: m.GetIgnoreCase()}
	switch m.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		sm.kind = "exact"
	case *matcherv3.StringMatcher_Prefix:
		sm.kind = "prefix"
	case *matcherv3.StringMatcher_Suffix:
		sm.kind = "suffix"
	case *matcherv3.StringMatcher_Contains:
		sm.kind = "contains"
	case *matcherv3.StringMatcher_SafeRegex:
		sm.kind = "regex"
	default:
		sm.other = "custom"
	}
	return sm
}

// enabled reads filter_enabled and shadow_enabled of the first policy:
// 100% enforces; 0% with shadow_enabled is cors-wasm's shadow mode (both
// decide and change nothing); 0% without shadow, or a share of requests
// (chosen at random per request), grants nothing.
func enabled(g *grant, rep *Report, p policies) bool {
	c, field := p.list[0], p.fields[0]
	fe := percent(c.GetFilterEnabled())
	if k := c.GetFilterEnabled().GetRuntimeKey(); k != "" {
		rep.add(g.src, field+".filter_enabled.runtime_key", Changed, q(k)+": runtime overrides cannot be read; the default value is used")
	}
	switch {
	case fe >= 100:
		if c.GetShadowEnabled() != nil {
			rep.add(g.src, field+".shadow_enabled", Ignored, "filter_enabled takes precedence")
		}
		return true
	case fe > 0:
		rep.add(g.src, field+".filter_enabled", Dropped, "partial filter_enabled ("+strconv.FormatFloat(fe, 'g', -1, 64)+
			"%): Envoy applies the policy to that share of requests, chosen at random; cors-wasm grants nothing on the route (no_cors)")
		return false
	}
	if c.GetShadowEnabled() != nil && percent(c.GetShadowEnabled()) > 0 {
		g.mode = "shadow"
		rep.add(g.src, field+".shadow_enabled", Mapped, "filter_enabled 0% with shadow_enabled -> mode \"shadow\": decided and counted, nothing changed")
		return true
	}
	rep.add(g.src, field+".filter_enabled", Mapped, "0%: CORS is off here -> no_cors: cors-wasm grants nothing on the route's paths")
	return false
}

// percent is a RuntimeFractionalPercent's default value in percent; 100
// when the field is absent (Envoy enables the filter then).
func percent(p *corev3.RuntimeFractionalPercent) float64 {
	if p == nil {
		return 100
	}
	v := p.GetDefaultValue()
	n := float64(v.GetNumerator())
	switch v.GetDenominator() {
	case typev3.FractionalPercent_TEN_THOUSAND:
		return n / 100
	case typev3.FractionalPercent_MILLION:
		return n / 10000
	}
	return n
}
