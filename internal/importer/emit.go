package importer

import (
	"sort"
	"strings"
)

// emit writes a source's groups as cors-wasm policies, first-match in the
// order the source picks: groups by host specificity, each group's entries
// in the source's order, and a no_cors policy closing each group, so that
// a request the group's routes do not cover is never granted by a broader
// group.
//
// Where a route cannot be written exactly, two policies stand for it: the
// largest set of its requests cors-wasm can write carries its grant, and
// the smallest set holding all of them follows as no_cors. Whatever the
// source would decide for a request, the import then grants it what the
// source grants, or nothing: never more.
func emit(groups []*group, rep *Report) []*draft {
	sort.SliceStable(groups, func(i, j int) bool { return specificity(groups[i]) < specificity(groups[j]) })
	groups = joinHosts(groups)
	var ds []*draft
	for _, g := range groups {
		closed := false
		for _, e := range g.entries {
			ds = append(ds, emitEntry(g, e, rep)...)
			if e.cond == "" && (e.path.kind == pathAll || e.path.kind == pathPrefix && (e.path.value == "/" || e.path.value == "") ||
				e.path.kind == pathSegment && strings.TrimSuffix(e.path.value, "/") == "") {
				closed = true // every later route of the group is unreachable
				break
			}
		}
		if !closed {
			ds = append(ds, &draft{name: hostName(g.host) + "-other", src: g.src, field: g.hostField, hosts: hostItems(g)})
		}
	}
	return mergeNoCORS(ds)
}

// emitEntry writes one route: its grant where cors-wasm can say exactly
// where, and no_cors over the rest of what it might match.
func emitEntry(g *group, e *entry, rep *Report) []*draft {
	var ds []*draft
	grants := e.grant != nil && e.cond == "" && !g.over
	prefixes, paths, ok := under(e.path)
	switch {
	case e.grant == nil:
	case e.cond != "":
		rep.add(e.src, e.field, Dropped, e.cond+" cannot be expressed: its CORS settings are not written, and cors-wasm grants nothing on its paths (no_cors)")
	case g.over:
		rep.add(g.src, g.hostField, Dropped, g.reason+": the CORS settings of its routes are not written, and cors-wasm grants nothing there (no_cors)")
	case !ok:
		rep.add(e.src, e.path.field, Dropped, pathDesc(e.path)+" cannot be expressed: its CORS settings are not written, and cors-wasm grants nothing on the paths it may match (no_cors)")
	case !exactly(e.path):
		rep.add(e.src, e.path.field, Changed, pathDesc(e.path)+" -> "+pathList(prefixes, paths)+" as written (case-sensitive), and no_cors on the other spellings")
	}
	if grants && ok {
		ds = append(ds, &draft{name: e.name, src: e.src, field: e.field, hosts: hostItems(g),
			prefixes: pathItems(prefixes, e.path.field), paths: pathItems(paths, e.path.field), grant: e.grant})
		if exactly(e.path) {
			return ds
		}
	}
	prefixes, paths, empty := over(e.path)
	if empty {
		return ds
	}
	return append(ds, &draft{name: e.name + "-no-cors", src: e.src, field: e.field, hosts: hostItems(g),
		prefixes: pathItems(prefixes, e.path.field), paths: pathItems(paths, e.path.field)})
}

// mergeNoCORS joins neighbouring no_cors policies for the same hosts (first
// match makes them one), and drops no_cors policies at the end, which
// decide as no policy does.
func mergeNoCORS(ds []*draft) []*draft {
	var out []*draft
	for _, d := range ds {
		if n := len(out); n > 0 && d.grant == nil && out[n-1].grant == nil && sameValues(out[n-1].hosts, d.hosts) {
			prev := out[n-1]
			if allPaths(prev) || allPaths(d) {
				prev.prefixes, prev.paths = nil, nil
			} else {
				prev.prefixes, prev.paths = appendNew(prev.prefixes, d.prefixes), appendNew(prev.paths, d.paths)
			}
			continue
		}
		out = append(out, d)
	}
	for len(out) > 0 && out[len(out)-1].grant == nil {
		out = out[:len(out)-1]
	}
	return out
}

func allPaths(d *draft) bool { return len(d.prefixes) == 0 && len(d.paths) == 0 }

func sameValues(a, b []item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].value != b[i].value {
			return false
		}
	}
	return true
}

func appendNew(list, more []item) []item {
	for _, it := range more {
		if !hasValue(list, it.value) {
			list = append(list, it)
		}
	}
	return list
}

func hasValue(items []item, v string) bool {
	for _, it := range items {
		if it.value == v {
			return true
		}
	}
	return false
}

func hostItems(g *group) []item {
	if g.host == "" {
		return nil
	}
	return append([]item{{value: g.host, field: g.hostField}}, g.more...)
}

// joinHosts writes exact hosts that have the same routes as one group (the
// hosts of one VirtualService, the domains of one virtual host): exact
// hosts never overlap, so their order among themselves does not matter.
func joinHosts(groups []*group) []*group {
	var out []*group
	for _, g := range groups {
		if specificity(g) == 0 && !g.over {
			joined := false
			for _, o := range out {
				if specificity(o) == 0 && !o.over && sameEntries(o.entries, g.entries) && len(o.more) < 99 {
					o.more = append(o.more, item{value: g.host, field: g.hostField})
					joined = true
					break
				}
			}
			if joined {
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

func sameEntries(a, b []*entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].grant != b[i].grant || a[i].path != b[i].path || a[i].cond != b[i].cond {
			return false
		}
	}
	return true
}

func pathItems(values []string, field string) []item {
	var out []item
	for _, v := range values {
		out = append(out, item{value: v, field: field})
	}
	return out
}

// hostDesc names a group's host for the report.
func hostDesc(h string) string {
	if h == "" {
		return "every host"
	}
	return q(h)
}

// hostName is a host as part of a policy name.
func hostName(h string) string {
	switch h {
	case "":
		return "any-host"
	}
	return strings.ReplaceAll(strings.TrimPrefix(h, "*."), ".", "-")
}

// pathDesc names a path match for the report.
func pathDesc(p pathMatch) string {
	kind := map[pathKind]string{pathAll: "every path", pathPrefix: "prefix", pathExact: "exact path", pathSegment: "path-segment prefix",
		pathRegex: "regex path", pathOther: "path matcher"}[p.kind]
	if p.foldCase {
		kind = "case-insensitive " + kind
	}
	if p.kind == pathAll || p.kind == pathOther {
		return kind
	}
	return kind + " " + q(p.value)
}

// pathList shows the paths a policy is written for.
func pathList(prefixes, paths []string) string {
	var parts []string
	if len(paths) > 0 {
		parts = append(parts, "paths "+strings.Join(quoteAll(paths), ", "))
	}
	if len(prefixes) > 0 {
		parts = append(parts, "path_prefixes "+strings.Join(quoteAll(prefixes), ", "))
	}
	if len(parts) == 0 {
		return "every path"
	}
	return strings.Join(parts, " and ")
}

func quoteAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = q(v)
	}
	return out
}
