package importer

import (
	"errors"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// finalize names the drafts, applies the safety changes, and removes
// whatever policy.Compile still refuses (reporting each), until the
// configuration compiles. It only ever narrows: a value the plugin refuses
// is left out of its list, and a policy refused as a whole stays as a
// no_cors policy for its hosts and paths, so the requests it covered are
// not handed to a broader policy after it.
func finalize(ds []*draft, rep *Report) (*policy.Config, error) {
	uniqueNames(ds)
	seen := map[*grant]bool{}
	for _, d := range ds {
		if d.grant != nil && !seen[d.grant] {
			seen[d.grant] = true
			safety(d.grant, rep)
		}
	}
	for round := 0; round < 8; round++ {
		ds = mergeNoCORS(ds)
		if len(ds) == 0 { // mergeNoCORS drops trailing no_cors policies: none grants
			return nil, errors.New("nothing left to import: " + droppedSummary(rep))
		}
		cfg := config(ds)
		_, err := policy.Compile(cfg)
		if err == nil {
			return cfg, nil
		}
		var errs policy.Errors
		if !errors.As(err, &errs) {
			return nil, err
		}
		for _, e := range errs {
			d := locate(ds, e)
			if d == nil {
				return nil, errors.New("the imported configuration does not compile (" + e.Error() + "); this is a bug in corsctl import")
			}
			if !dropRefused(d, e.Field, e.Elem, e, rep) && d.grant != nil {
				rep.add(d.grant.src, d.grant.field, Dropped, "the whole policy "+q(d.name)+": cors-wasm refuses it ("+e.Error()+"); written as no_cors, granting nothing on its hosts and paths")
				d.grant = nil
			}
		}
		kept := ds[:0]
		for _, d := range ds {
			d.compact()
			kept = append(kept, d)
		}
		ds = kept
	}
	return nil, errors.New("the imported configuration still does not compile; this is a bug in corsctl import")
}

// droppedSummary lists the dropped settings for the error when nothing is
// left: what was dropped, where, and why.
func droppedSummary(rep *Report) string {
	var lines []string
	for _, e := range rep.Entries {
		if e.Verb == Dropped {
			lines = append(lines, e.String())
		}
	}
	if len(lines) == 0 {
		return "no route with CORS settings grants anything: each is turned off, or never reached (an earlier route of its host takes all its requests)"
	}
	return "every CORS setting was dropped or grants nothing; dropped:\n  " + strings.Join(lines, "\n  ")
}

// safety applies the changes cors-wasm makes on purpose where the source
// allows something it refuses.
func safety(g *grant, rep *Report) {
	if g.credentials {
		for _, o := range g.origins {
			if o.value == "*" {
				g.credentials = false
				rep.override(g.src, g.credentialsField, Changed, "allow_credentials not set: with every origin allowed, "+
					"credentials would let any site read responses meant for the user (CVE-2018-20744); "+
					"list the origins to keep credentials")
				break
			}
		}
	}
	if g.credentials {
		kept := g.expose[:0]
		for _, h := range g.expose {
			if h.value == "*" {
				rep.override(g.src, h.field, Dropped, `"*" with credentials: browsers read it as a header named "*", not as every header; list the headers to expose`)
				continue
			}
			kept = append(kept, h)
		}
		g.expose = kept
	}
}

// locate finds the draft an error is about: the policy at its index. nil
// when the error is about no single policy, which import never causes.
func locate(ds []*draft, e *policy.Error) *draft {
	if e.Policy < 0 || e.Policy >= len(ds) || e.Rest != "" {
		return nil
	}
	return ds[e.Policy]
}

// dropRefused removes the value an error names and reports it. It returns
// false when the error concerns the policy as a whole.
//
// A host or path of a match cannot simply be left out: the requests it
// selects would fall to the policies after it. The policy then grants
// nothing, and its list matches every host or path instead (a wider
// no_cors, which only ever narrows what is granted).
func dropRefused(d *draft, key string, index int, e *policy.Error, rep *Report) bool {
	if match := map[string]*[]item{"match.hosts": &d.hosts, "match.path_prefixes": &d.prefixes, "match.paths": &d.paths}[key]; match != nil {
		detail := "cors-wasm refuses it: " + e.Reason + "; the policy " + q(d.name) + " is written as no_cors for every " + map[bool]string{true: "host", false: "path"}[key == "match.hosts"] + " instead"
		if index >= 0 && index < len(*match) {
			rep.override(d.src, (*match)[index].field, Dropped, q((*match)[index].value)+": "+detail)
		}
		d.grant, *match = nil, nil
		return true
	}
	g := d.grant
	if g == nil {
		return false
	}
	lists := map[string]*[]item{"allow_origins": &g.origins, "allow_origin_regexes": &g.regexes, "allow_methods": &g.methods,
		"allow_headers": &g.headers, "expose_headers": &g.expose}
	list, isList := lists[key]
	switch {
	case isList && index >= 0 && index < len(*list):
		it := &(*list)[index]
		if !it.gone {
			it.gone = true
			rep.override(g.src, it.field, Dropped, q(it.value)+": cors-wasm refuses it: "+e.Reason)
		}
		return true
	case isList && index < 0 && key != "allow_origins" && key != "allow_origin_regexes":
		for _, it := range *list {
			rep.override(g.src, it.field, Dropped, q(it.value)+": cors-wasm refuses the list: "+e.Reason)
		}
		*list = nil
		return true
	}
	return false
}

// compact removes the values marked gone from the draft's grant, which
// other drafts may share.
func (d *draft) compact() {
	if g := d.grant; g != nil {
		g.origins, g.regexes, g.methods, g.headers, g.expose = keep(g.origins), keep(g.regexes), keep(g.methods), keep(g.headers), keep(g.expose)
	}
}

func keep(list []item) []item {
	kept := list[:0]
	for _, it := range list {
		if !it.gone {
			kept = append(kept, it)
		}
	}
	return kept
}
