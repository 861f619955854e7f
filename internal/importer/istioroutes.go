package importer

import (
	"sort"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

// vsDoc is a decoded VirtualService.
type vsDoc struct {
	src *source
	res *istioResource
	vs  *networking.VirtualService
}

// istioGroups builds one group per VirtualService host: its http routes
// in order, one entry per match (Istio gives Envoy one route per match,
// tried first to last: route.go, BuildHTTPRoutesForVirtualService), with
// delegates merged in. Envoy picks the virtual host of the most specific
// host, and Istio writes corsPolicy on the route only, so a route without
// one grants nothing.
func (in *importer) istioGroups() []*group {
	delegates := map[string]*vsDoc{}
	used := map[*vsDoc]bool{}
	for _, v := range in.virtualServices {
		if len(v.vs.GetHosts()) == 0 {
			// A VirtualService without hosts is a delegate: it applies only
			// under a root's route (pilot/pkg/model/virtualservice.go).
			delegates[v.res.Namespace+"/"+v.res.Name] = v
		}
	}
	byHost := map[string]*group{}
	segs := map[*group][]istioSegment{}
	var groups []*group
	for _, v := range in.virtualServices {
		if len(v.vs.GetHosts()) == 0 {
			continue
		}
		entries := in.istioEntries(v, delegates, used)
		for i, h := range v.vs.GetHosts() {
			field := "spec.hosts[" + itoa(i) + "]"
			for _, host := range istioHostNames(v, in.rep, field, h) {
				g := byHost[host]
				if g == nil {
					g = &group{host: host, hostField: field, src: v.src}
					byHost[host] = g
					groups = append(groups, g)
				}
				segs[g] = append(segs[g], istioSegment{v, copyEntries(entries)})
			}
		}
	}
	for _, g := range groups {
		in.orderIstio(g, segs[g])
	}
	for _, v := range in.virtualServices {
		if len(v.vs.GetHosts()) == 0 && !used[v] {
			in.rep.add(v.src, "spec", Ignored, "a VirtualService without hosts is a delegate: it applies only under the routes of a root "+
				"VirtualService that delegates to it, and none in the input does (pass the root too)")
		}
	}
	return groups
}

// istioSegment is the routes one VirtualService gives a host.
type istioSegment struct {
	v       *vsDoc
	entries []*entry
}

// orderIstio settles the order of a host served by several
// VirtualServices: Istio merges them on a gateway oldest first and uses one
// of them on a sidecar. Unless every one carries its creation time, the
// order is unknown and the host grants nothing.
func (in *importer) orderIstio(g *group, segs []istioSegment) {
	timed := true
	for _, s := range segs {
		timed = timed && !s.v.res.CreationTimestamp.IsZero()
	}
	if len(segs) > 1 && !timed {
		for _, s := range segs {
			in.rep.add(s.v.src, g.hostField, Dropped, "host "+q(g.host)+" is served by several VirtualServices: Istio merges them "+
				"oldest first on a gateway and uses one of them on a sidecar, and the files carry no creation times: "+
				"nothing is granted on this host (no_cors); merge them into one VirtualService")
			for _, e := range s.entries {
				e.grant = nil
			}
		}
	}
	sort.SliceStable(segs, func(i, j int) bool {
		return timed && segs[i].v.res.CreationTimestamp.Before(&segs[j].v.res.CreationTimestamp)
	})
	for _, s := range segs {
		g.entries = append(g.entries, s.entries...)
	}
}

func copyEntries(es []*entry) []*entry {
	out := make([]*entry, len(es))
	for i, e := range es {
		c := *e
		out[i] = &c
	}
	return out
}

// istioHostNames is the hosts a VirtualService host stands for: "*" every
// host; a short name the service in the VirtualService's namespace, under
// each name Istio gives its virtual host (name, name.namespace,
// name.namespace.svc, and the FQDN under cluster.local).
func istioHostNames(v *vsDoc, rep *Report, field, h string) []string {
	h = strings.ToLower(h)
	switch {
	case h == "*":
		rep.add(v.src, field, Mapped, `"*" -> every host`)
		return []string{""}
	case !strings.Contains(h, ".") && v.res.Namespace != "":
		ns := v.res.Namespace
		names := []string{h, h + "." + ns, h + "." + ns + ".svc", h + "." + ns + ".svc.cluster.local"}
		rep.add(v.src, field, Changed, q(h)+" -> match.hosts "+strings.Join(quoteAll(names), ", ")+
			": the names Istio gives the service (assuming the cluster domain cluster.local)")
		return names
	}
	rep.add(v.src, field, Mapped, q(h)+" -> match.hosts")
	return []string{h}
}

// istioEntries lists a VirtualService's routes, delegates merged in.
func (in *importer) istioEntries(v *vsDoc, delegates map[string]*vsDoc, used map[*vsDoc]bool) []*entry {
	var out []*entry
	for ri, r := range v.vs.GetHttp() {
		field := "spec.http[" + itoa(ri) + "]"
		d := r.GetDelegate()
		if d == nil {
			out = append(out, in.istioRouteEntries(v, field, r, in.istioGrant(v, field, r))...)
			continue
		}
		ns := d.GetNamespace()
		if ns == "" {
			ns = v.res.Namespace
		}
		dv := delegates[ns+"/"+d.GetName()]
		if dv == nil {
			in.rep.add(v.src, field+".delegate", Dropped, "VirtualService "+q(ns+"/"+d.GetName())+" is not in the input, so its routes are unknown: "+
				"nothing is granted on this route's paths (no_cors); pass the delegate too")
			out = append(out, in.istioRouteEntries(v, field, r, nil)...)
			continue
		}
		used[dv] = true
		rootGrant := in.istioGrant(v, field, r)
		for di, dr := range dv.vs.GetHttp() {
			dfield := "spec.http[" + itoa(di) + "]"
			merged, ok := mergeDelegate(r, dr)
			if !ok {
				in.rep.add(dv.src, dfield, Ignored, "its matches conflict with those of "+v.src.what+" "+field+": Istio leaves it out")
				continue
			}
			g := rootGrant
			if dr.GetCorsPolicy() != nil {
				g = in.istioGrant(dv, dfield, dr)
			}
			out = append(out, in.istioRouteEntries(dv, dfield, merged, g)...)
		}
	}
	return out
}

// istioGrant maps a route's corsPolicy once, however many hosts and
// delegates share it.
func (in *importer) istioGrant(v *vsDoc, field string, r *networking.HTTPRoute) *grant {
	cp := r.GetCorsPolicy()
	if cp == nil {
		return nil
	}
	if g, ok := in.istioGrants[cp]; ok {
		return g
	}
	in.settings++
	g := &grant{src: v.src, field: field + ".corsPolicy"}
	mapIstioCORS(g, in.rep, g.field, cp)
	in.istioGrants[cp] = g
	return g
}

// istioRouteEntries makes one entry per match of a route. A redirect or
// direct response is answered by Envoy's router, and Envoy's CORS filter
// leaves routes without a route entry alone (cors_filter.cc): no grant.
func (in *importer) istioRouteEntries(v *vsDoc, field string, r *networking.HTTPRoute, g *grant) []*entry {
	if g != nil && (r.GetRedirect() != nil || r.GetDirectResponse() != nil) {
		in.rep.add(v.src, field+".corsPolicy", Ignored, "a redirect or direct response: Envoy answers it without its CORS filter")
		g = nil
	}
	name := v.res.Name
	if r.GetName() != "" {
		name += "-" + r.GetName()
	}
	matches := r.GetMatch()
	if len(matches) == 0 {
		return []*entry{{src: v.src, field: field, name: name, path: pathMatch{kind: pathAll, field: field}, grant: g}}
	}
	var out []*entry
	for mi, m := range matches {
		f := field + ".match[" + itoa(mi) + "]"
		e := &entry{src: v.src, field: f, name: name, cond: istioConditions(m), grant: g, path: pathMatch{kind: pathAll, field: f}}
		if u := m.GetUri(); u != nil {
			switch u.GetMatchType().(type) {
			case *networking.StringMatch_Exact:
				e.path = pathMatch{kind: pathExact, value: u.GetExact(), field: f + ".uri.exact"}
			case *networking.StringMatch_Prefix:
				e.path = pathMatch{kind: pathPrefix, value: u.GetPrefix(), field: f + ".uri.prefix"}
			case *networking.StringMatch_Regex:
				e.path = pathMatch{kind: pathRegex, value: u.GetRegex(), field: f + ".uri.regex"}
			}
		}
		e.path.foldCase = m.GetIgnoreUriCase()
		out = append(out, e)
	}
	return out
}
