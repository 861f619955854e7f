package importer

import (
	"strconv"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// routeDoc is a decoded HTTPRoute, kept for SecurityPolicy targetRefs.
type routeDoc struct {
	doc   *document
	where string
	route *gwv1.HTTPRoute
}

// readHTTPRoute decodes an HTTPRoute strictly into Gateway API's own type
// (v1 and v1beta1 share its shape) and queues one policy per rule that has a
// CORS filter.
func (in *importer) readHTTPRoute(doc *document, h header, group int) []string {
	var r gwv1.HTTPRoute
	if err := decodeStrict(doc.json, &r); err != nil {
		return []string{doc.where() + ": HTTPRoute " + resourceName(h) + ": " + err.Error()}
	}
	rd := &routeDoc{doc: doc, where: doc.where() + ": HTTPRoute " + resourceName(h), route: &r}
	in.routes[r.Namespace+"/"+r.Name] = rd
	in.pending = append(in.pending, func() { in.mapHTTPRoute(rd, group) })
	return nil
}

func (in *importer) mapHTTPRoute(rd *routeDoc, group int) {
	r := rd.route
	found := false
	for ri, rule := range r.Spec.Rules {
		for fi, f := range rule.Filters {
			if f.Type != gwv1.HTTPRouteFilterCORS || f.CORS == nil {
				continue
			}
			found = true
			field := "spec.rules[" + strconv.Itoa(ri) + "].filters[" + strconv.Itoa(fi) + "].cors"
			d := &draft{name: ruleName(r, ri), where: rd.where, field: field, gatewayOrder: true, group: group}
			if !routeScope(d, in.rep, r, []int{ri}) {
				continue
			}
			mapGatewayCORS(d, in.rep, field, f.CORS)
			in.drafts = append(in.drafts, d)
		}
		for bi, b := range rule.BackendRefs {
			for fi, f := range b.Filters {
				if f.Type == gwv1.HTTPRouteFilterCORS {
					in.rep.add(rd.where, "spec.rules["+strconv.Itoa(ri)+"].backendRefs["+strconv.Itoa(bi)+"].filters["+strconv.Itoa(fi)+"]",
						Dropped, "a CORS filter on one backend cannot be expressed: a policy applies to a route, not to one of its backends")
				}
			}
		}
	}
	if !found {
		in.rep.add(rd.where, "", Ignored, "no CORS filter")
	}
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

// routeScope sets a draft's match from the route's hostnames and the path
// matches of the given rules. It returns false (and reports) when the rules
// have path matches but none can be expressed, since dropping them all would
// widen the policy to every path.
func routeScope(d *draft, rep *Report, r *gwv1.HTTPRoute, rules []int) bool {
	for i, hn := range r.Spec.Hostnames {
		f := "spec.hostnames[" + strconv.Itoa(i) + "]"
		d.hosts = append(d.hosts, item{value: string(hn), field: f})
		rep.add(d.where, f, Mapped, q(string(hn))+" -> match.hosts")
	}
	total, kept, everyPath := 0, 0, false
	for _, ri := range rules {
		rule := r.Spec.Rules[ri]
		if len(rule.Matches) == 0 {
			// No match is Gateway API's default: PathPrefix "/", every path.
			total, kept, everyPath = total+1, kept+1, true
			continue
		}
		for mi, m := range rule.Matches {
			total++
			f := "spec.rules[" + strconv.Itoa(ri) + "].matches[" + strconv.Itoa(mi) + "]"
			if conditions := extraConditions(m); conditions != "" {
				rep.add(d.where, f, Dropped, conditions+" cannot be expressed: the policy also applies to requests without them")
			}
			typ, value := gwv1.PathMatchPathPrefix, "/"
			if m.Path != nil {
				if m.Path.Type != nil {
					typ = *m.Path.Type
				}
				if m.Path.Value != nil {
					value = *m.Path.Value
				}
			}
			if p, ok := mapPathMatch(d, rep, f+".path", string(typ), value); ok {
				kept++
				everyPath = everyPath || p == "/"
				d.prefixes = append(d.prefixes, item{value: p, field: f + ".path"})
			}
		}
	}
	if total > 0 && kept == 0 {
		rep.add(d.where, d.field, Dropped, "the whole policy: none of the rule's path matches can be expressed, and without them it would apply to every path")
		return false
	}
	if everyPath {
		// One match covers every path: other prefixes beside it add nothing.
		d.prefixes = nil
	}
	return true
}

// mapPathMatch maps one Gateway API path match to a byte prefix.
func mapPathMatch(d *draft, rep *Report, field, typ, value string) (string, bool) {
	switch typ {
	case string(gwv1.PathMatchPathPrefix):
		if value == "/" || strings.HasSuffix(value, "/") {
			rep.add(d.where, field, Mapped, "PathPrefix "+q(value)+" -> match.path_prefixes")
			return value, true
		}
		rep.add(d.where, field, Changed, "PathPrefix "+q(value)+" -> match.path_prefixes "+q(value)+
			": Gateway API matches whole path segments, cors-wasm byte prefixes, so it also covers "+q(value+"x")+
			" (policies are ordered longest prefix first, as Gateway API ranks them)")
		return value, true
	case string(gwv1.PathMatchExact):
		rep.add(d.where, field, Changed, "Exact "+q(value)+" -> match.path_prefixes "+q(value)+": cors-wasm matches prefixes, so it also covers longer paths")
		return value, true
	}
	rep.add(d.where, field, Dropped, typ+" "+q(value)+": cannot be expressed (cors-wasm matches path prefixes)")
	return "", false
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

// mapGatewayCORS maps an HTTPCORSFilter's fields.
func mapGatewayCORS(d *draft, rep *Report, field string, c *gwv1.HTTPCORSFilter) {
	for i, o := range c.AllowOrigins {
		addOriginPattern(d, rep, field+".allowOrigins["+strconv.Itoa(i)+"]", string(o))
	}
	methods := make([]string, len(c.AllowMethods))
	for i, m := range c.AllowMethods {
		methods[i] = string(m)
	}
	addMethods(d, rep, field+".allowMethods", methods)
	headers := make([]string, len(c.AllowHeaders))
	for i, h := range c.AllowHeaders {
		headers[i] = string(h)
	}
	addHeaders(d, rep, field+".allowHeaders", headers)
	expose := make([]string, len(c.ExposeHeaders))
	for i, h := range c.ExposeHeaders {
		expose[i] = string(h)
	}
	addExpose(d, rep, field+".exposeHeaders", expose)
	if c.AllowCredentials != nil {
		setCredentials(d, rep, field+".allowCredentials", *c.AllowCredentials)
	}
	if c.MaxAge == 0 {
		// The API server fills in 5 (kubebuilder default); a manifest read
		// before admission leaves it out.
		d.maxAge, d.maxAgeField = 5, field+".maxAge"
		rep.add(d.where, field+".maxAge", Mapped, "unset -> max_age 5, Gateway API's default")
	} else {
		setMaxAge(d, rep, field+".maxAge", int64(c.MaxAge))
	}
}
