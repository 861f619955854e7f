package importer

import (
	"sort"
	"strings"
)

// gatewayEntry is one match of an HTTPRoute rule, with what Gateway API
// ranks it by.
type gatewayEntry struct {
	entry
	rd          *routeDoc
	rule, match int
	method      bool
	headers     int
	query       int
}

// rank is the precedence of a match among those of one hostname
// (HTTPRouteRule.Matches docs): an Exact path, then the PathPrefix with the
// most characters, then a method match, then the most header matches, then
// the most query parameter matches. RegularExpression matches rank as the
// implementation decides; the import puts them first, where their no_cors
// can only take grants away.
func (e *gatewayEntry) rank() [5]int {
	kind := map[pathKind]int{pathRegex: 0, pathOther: 0, pathExact: 1, pathSegment: 2}[e.path.kind]
	length := len(strings.TrimSuffix(e.path.value, "/"))
	return [5]int{kind, -length, boolInt(!e.method), -e.headers, -e.query}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// before orders two entries that rank alike: the older route
// (metadata.creationTimestamp), then "{namespace}/{name}", then rule and
// match order within a route. It also reports whether the order is known:
// routes without creation times (files usually carry none) may have been
// created in either order.
func (a *gatewayEntry) before(b *gatewayEntry) (less, known bool) {
	if a.rd != b.rd {
		ta, tb := a.rd.route.CreationTimestamp, b.rd.route.CreationTimestamp
		known = !ta.IsZero() && !tb.IsZero() && !ta.Equal(&tb)
		switch {
		case known:
			return ta.Before(&tb), true
		case ta.IsZero() != tb.IsZero():
			return !ta.IsZero(), false // a total order for sorting; still unknown
		}
		ka := a.rd.route.Namespace + "/" + a.rd.route.Name
		kb := b.rd.route.Namespace + "/" + b.rd.route.Name
		return ka < kb, false
	}
	if a.rule != b.rule {
		return a.rule < b.rule, true
	}
	return a.match < b.match, true
}

// gatewayGroups builds one group per hostname: the matches of every route
// that lists it, in precedence order. A route without hostnames serves
// every host (its Gateway listener's, which the files may not say).
//
// A request goes to the routes of its most specific hostname only: Envoy
// Gateway and Istio turn each hostname into an Envoy virtual host, and
// Envoy picks one virtual host per request. Gateway API's wording ("precedence
// must be given to rules from the HTTPRoute with the largest number of
// characters in a matching hostname") also allows falling back to less
// specific routes when none of those match; the import never does, which
// can only grant less.
func (in *importer) gatewayGroups() []*group {
	in.attachSecurityPolicies()
	byHost := map[string]*group{}
	members := map[*group][]*gatewayEntry{}
	var groups []*group
	for _, rd := range in.routeOrder {
		es := in.gatewayEntries(rd)
		hosts := []string{""}
		fields := []string{"spec"}
		if len(rd.route.Spec.Hostnames) > 0 {
			hosts, fields = nil, nil
			for i, h := range rd.route.Spec.Hostnames {
				hosts = append(hosts, strings.ToLower(string(h)))
				fields = append(fields, "spec.hostnames["+itoa(i)+"]")
			}
		}
		for i, h := range hosts {
			g := byHost[h]
			if g == nil {
				g = &group{host: h, hostField: fields[i], src: rd.src}
				byHost[h] = g
				groups = append(groups, g)
			}
			members[g] = append(members[g], es...)
		}
	}
	for _, g := range groups {
		g.entries = in.orderGateway(members[g])
	}
	return groups
}

func (e *gatewayEntry) copyEntry() *entry { c := e.entry; return &c }

// orderGateway sorts one hostname's matches by precedence and resolves
// ties whose order the files do not settle: when two routes' matches rank
// alike, select the same requests, and grant differently, either may
// apply, so both grant nothing there.
func (in *importer) orderGateway(es []*gatewayEntry) []*entry {
	sort.SliceStable(es, func(i, j int) bool {
		ri, rj := es[i].rank(), es[j].rank()
		if ri != rj {
			for k := range ri {
				if ri[k] != rj[k] {
					return ri[k] < rj[k]
				}
			}
		}
		less, _ := es[i].before(es[j])
		return less
	})
	out := make([]*entry, len(es))
	for i, e := range es {
		out[i] = e.copyEntry()
	}
	for i := range es {
		for j := i + 1; j < len(es) && es[j].rank() == es[i].rank(); j++ {
			a, b := es[i], es[j]
			_, known := a.before(b)
			slash := len(a.path.value) != len(b.path.value)
			if known && !slash || a.path.kind != b.path.kind ||
				strings.TrimSuffix(a.path.value, "/") != strings.TrimSuffix(b.path.value, "/") || sameGrant(a.grant, b.grant) {
				continue
			}
			why := "which one applies depends on their creation time, which the files do not carry"
			if slash {
				why = "the values differ only by a trailing \"/\", which Gateway API ranks by their characters and implementations " +
					"may ignore (it matches the same paths)"
			}
			for _, k := range []int{i, j} {
				if out[k].grant != nil {
					other := es[i+j-k]
					in.rep.add(es[k].src, es[k].field, Dropped, "ranks alike with "+other.src.what+" "+other.field+" for the same paths, and "+
						why+": both grant nothing there (no_cors); add metadata.creationTimestamp or make the matches differ")
					out[k].grant = nil
				}
			}
		}
	}
	return out
}

// sameGrant reports whether two grants write the same settings.
func sameGrant(a, b *grant) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || sameValues(a.origins, b.origins) && sameValues(a.regexes, b.regexes) && sameValues(a.methods, b.methods) &&
		sameValues(a.headers, b.headers) && sameValues(a.expose, b.expose) && a.credentials == b.credentials &&
		a.privateNet == b.privateNet && a.onRejected == b.onRejected && a.mode == b.mode
}
