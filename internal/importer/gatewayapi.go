package importer

import (
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// routeDoc is a decoded HTTPRoute, with the SecurityPolicy CORS settings
// attached to it.
type routeDoc struct {
	src   *source
	route *gwv1.HTTPRoute
	// policies are Envoy Gateway SecurityPolicy grants: by rule index, or
	// for every rule at -1 (a policy on the route) and -2 (on its Gateway).
	policies map[int][]*grant
}

// readHTTPRoute decodes an HTTPRoute strictly into Gateway API's own type
// (v1 and v1beta1 share its shape).
func (in *importer) readHTTPRoute(doc *document, h header) []string {
	var r gwv1.HTTPRoute
	if err := decodeStrict(doc.json, &r); err != nil {
		return []string{doc.where() + ": HTTPRoute " + resourceName(h) + ": " + err.Error()}
	}
	rd := &routeDoc{src: &source{doc: doc, what: "HTTPRoute " + resourceName(h)}, route: &r, policies: map[int][]*grant{}}
	in.routes[r.Namespace+"/"+r.Name] = rd
	in.routeOrder = append(in.routeOrder, rd)
	in.domain("gateway", in.gatewayGroups)
	return nil
}

// ruleName names the policy of rule ri: the route's name, plus the rule's
// name or index when the route has several rules.
func ruleName(r *gwv1.HTTPRoute, ri int) string {
	if len(r.Spec.Rules) == 1 {
		return r.Name
	}
	if n := r.Spec.Rules[ri].Name; n != nil && *n != "" {
		return r.Name + "-" + string(*n)
	}
	return r.Name + "-" + strconv.Itoa(ri)
}

// ruleGrant is the CORS settings that apply to rule ri: its CORS filter or
// an Envoy Gateway SecurityPolicy's, the most specific attachment first
// (Gateway API policy attachment: a policy on a rule section overrides one
// on the route, which overrides one on the Gateway). Where two apply at the
// same level, or a filter and a policy both do, which one Envoy Gateway
// uses is not settled by any document here: the rule grants nothing.
func (in *importer) ruleGrant(rd *routeDoc, ri int) *grant {
	rule := rd.route.Spec.Rules[ri]
	rfield := "spec.rules[" + strconv.Itoa(ri) + "]"
	var filter *grant
	for fi, f := range rule.Filters {
		if f.Type != gwv1.HTTPRouteFilterCORS || f.CORS == nil {
			continue
		}
		field := rfield + ".filters[" + strconv.Itoa(fi) + "].cors"
		if filter != nil {
			in.rep.add(rd.src, field, Dropped, "a second CORS filter in one rule: Gateway API allows one; the rule grants nothing (no_cors)")
			return nil
		}
		filter = &grant{src: rd.src, field: field}
		mapGatewayCORS(filter, in.rep, field, f.CORS)
		in.settings++
	}
	for bi, b := range rule.BackendRefs {
		for fi, f := range b.Filters {
			if f.Type == gwv1.HTTPRouteFilterCORS {
				in.settings++
				in.rep.add(rd.src, rfield+".backendRefs["+strconv.Itoa(bi)+"].filters["+strconv.Itoa(fi)+"]", Dropped,
					"a CORS filter on one backend cannot be expressed (it applies to the share of requests sent there): the rule grants nothing (no_cors)")
				return nil
			}
		}
	}
	for _, level := range []int{ri, -1, -2} {
		gs := rd.policies[level]
		switch {
		case len(gs) == 0:
			continue
		case len(gs) > 1 || filter != nil:
			in.rep.add(rd.src, rfield, Dropped, "several CORS settings apply to this rule (a CORS filter or SecurityPolicies "+
				"attached at the same level): which one Envoy Gateway uses is not settled here; the rule grants nothing (no_cors)")
			return nil
		}
		return gs[0]
	}
	return filter
}

// gatewayEntries lists the entries of every rule and match of a route.
func (in *importer) gatewayEntries(rd *routeDoc) []*gatewayEntry {
	r := rd.route
	var out []*gatewayEntry
	for ri, rule := range r.Spec.Rules {
		g := in.ruleGrant(rd, ri)
		matches := rule.Matches
		if len(matches) == 0 {
			// No match is Gateway API's default: PathPrefix "/".
			matches = []gwv1.HTTPRouteMatch{{}}
		}
		for mi, m := range matches {
			field := "spec.rules[" + strconv.Itoa(ri) + "]"
			if len(rule.Matches) > 0 {
				field += ".matches[" + strconv.Itoa(mi) + "]"
			}
			e := &gatewayEntry{rd: rd, rule: ri, match: mi, method: m.Method != nil, headers: len(m.Headers), query: len(m.QueryParams)}
			e.entry = entry{src: rd.src, field: field, name: ruleName(r, ri), grant: g, cond: extraConditions(m)}
			e.path = gatewayPath(m, field)
			if e.path.kind == pathRegex && g != nil {
				in.rep.add(rd.src, e.path.field, Dropped, "RegularExpression path "+q(e.path.value)+": its precedence among the other "+
					"matches is implementation-specific, so the rule grants nothing on the paths it may match (no_cors)")
				e.grant = nil
			}
			out = append(out, e)
		}
	}
	return out
}

// gatewayPath is a match's path condition: PathPrefix matches whole path
// segments ("/abc" matches /abc and /abc/def, not /abcd; a trailing "/"
// is ignored), Exact the path itself (HTTPPathMatch, PathMatchType).
func gatewayPath(m gwv1.HTTPRouteMatch, field string) pathMatch {
	typ, value := gwv1.PathMatchPathPrefix, "/"
	if m.Path != nil {
		field += ".path"
		if m.Path.Type != nil {
			typ = *m.Path.Type
		}
		if m.Path.Value != nil {
			value = *m.Path.Value
		}
	}
	switch typ {
	case gwv1.PathMatchExact:
		return pathMatch{kind: pathExact, value: value, field: field}
	case gwv1.PathMatchRegularExpression:
		return pathMatch{kind: pathRegex, value: value, field: field}
	case gwv1.PathMatchPathPrefix:
		return pathMatch{kind: pathSegment, value: value, field: field}
	}
	return pathMatch{kind: pathOther, value: value, field: field}
}

// extraConditions names the parts of a match beyond the path.
func extraConditions(m gwv1.HTTPRouteMatch) string {
	var parts []string
	if len(m.Headers) > 0 {
		parts = append(parts, "header matches")
	}
	if len(m.QueryParams) > 0 {
		parts = append(parts, "query parameter matches")
	}
	if m.Method != nil {
		parts = append(parts, "the method match")
	}
	return strings.Join(parts, " and ")
}

// mapGatewayCORS maps an HTTPCORSFilter's fields. A "*" in allowMethods or
// allowHeaders is answered with the request's values when credentials are
// allowed (HTTPCORSFilter docs), as cors-wasm answers its "*".
func mapGatewayCORS(g *grant, rep *Report, field string, c *gwv1.HTTPCORSFilter) {
	for i, o := range c.AllowOrigins {
		addOriginPattern(g, rep, field+".allowOrigins["+strconv.Itoa(i)+"]", string(o))
	}
	methods := make([]string, len(c.AllowMethods))
	for i, m := range c.AllowMethods {
		methods[i] = string(m)
	}
	addMethods(g, rep, field+".allowMethods", methods)
	headers := make([]string, len(c.AllowHeaders))
	for i, h := range c.AllowHeaders {
		headers[i] = string(h)
	}
	addHeaders(g, rep, field+".allowHeaders", headers)
	expose := make([]string, len(c.ExposeHeaders))
	for i, h := range c.ExposeHeaders {
		expose[i] = string(h)
	}
	addExpose(g, rep, field+".exposeHeaders", expose)
	if c.AllowCredentials != nil {
		setCredentials(g, rep, field+".allowCredentials", *c.AllowCredentials)
	}
	if c.MaxAge == 0 {
		// The API server fills in 5 (kubebuilder default); a manifest read
		// before admission leaves it out.
		g.maxAge, g.maxAgeField = 5, field+".maxAge"
		rep.add(g.src, field, Mapped, "maxAge unset -> max_age 5, Gateway API's default")
	} else {
		setMaxAge(g, rep, field+".maxAge", int64(c.MaxAge))
	}
}
