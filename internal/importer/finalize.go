package importer

import (
	"errors"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// finalize orders and names the drafts, applies the safety changes, and
// drops whatever policy.Compile still refuses (reporting each), until the
// configuration compiles. Every draft left is in the result.
func finalize(ds []*draft, rep *Report) (*policy.Config, error) {
	order(ds)
	uniqueNames(ds)
	for _, d := range ds {
		safety(d, rep)
	}
	for round := 0; round < 8; round++ {
		if len(ds) == 0 {
			return nil, errors.New("no CORS settings left to import (see the report)")
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
		gone := map[*draft]bool{}
		for _, e := range errs {
			d, key, index, ok := locate(ds, e.Path)
			if !ok {
				return nil, err // not a path into a policy: nothing to drop
			}
			if gone[d] {
				continue
			}
			if !dropRefused(d, key, index, e, rep) {
				rep.add(d.where, d.field, Dropped, "the whole policy "+q(d.name)+": cors-wasm refuses it: "+e.Error())
				gone[d] = true
			}
		}
		kept := ds[:0]
		for _, d := range ds {
			if gone[d] {
				continue
			}
			if !d.compact() {
				// Without its last host or path the policy would apply to
				// every request: drop it rather than widen it.
				rep.add(d.where, d.field, Dropped, "the whole policy "+q(d.name)+": none of its hosts or paths could be kept, and without them it would apply to every request")
				continue
			}
			kept = append(kept, d)
		}
		ds = kept
	}
	return nil, errors.New("the imported configuration still does not compile; this is a bug in corsctl import")
}

// safety applies the changes cors-wasm makes on purpose where the source
// allows something it refuses.
func safety(d *draft, rep *Report) {
	if d.credentials {
		for _, o := range d.origins {
			if o.value == "*" {
				d.credentials = false
				rep.override(d.where, d.credentialsField, Changed, "allow_credentials not set: with every origin allowed, "+
					"credentials would let any site read responses meant for the user (CVE-2018-20744); "+
					"list the origins to keep credentials")
				break
			}
		}
	}
	if d.credentials {
		kept := d.expose[:0]
		for _, h := range d.expose {
			if h.value == "*" {
				rep.override(d.where, h.field, Dropped, `"*" with credentials: browsers read it as a header named "*", not as every header; list the headers to expose`)
				continue
			}
			kept = append(kept, h)
		}
		d.expose = kept
	}
}

// locate finds the draft and the key (and list index, -1 for none) an error
// path such as `policies[2].match.hosts[0]` points at.
func locate(ds []*draft, path string) (d *draft, key string, index int, ok bool) {
	rest, found := strings.CutPrefix(path, "policies[")
	if !found {
		return nil, "", 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return nil, "", 0, false
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil || i < 0 || i >= len(ds) {
		return nil, "", 0, false
	}
	key = strings.TrimPrefix(rest[end+1:], ".")
	index = -1
	if open := strings.LastIndexByte(key, '['); open >= 0 && strings.HasSuffix(key, "]") {
		if n, err := strconv.Atoi(key[open+1 : len(key)-1]); err == nil {
			index, key = n, key[:open]
		}
	}
	return ds[i], key, index, true
}

// dropRefused removes the value an error names and reports it. It returns
// false when the error concerns the policy as a whole, which must go.
func dropRefused(d *draft, key string, index int, e *policy.Error, rep *Report) bool {
	lists := map[string]*[]item{
		"allow_origins": &d.origins, "allow_origin_regexes": &d.regexes, "allow_methods": &d.methods,
		"allow_headers": &d.headers, "expose_headers": &d.expose,
		"match.hosts": &d.hosts, "match.path_prefixes": &d.prefixes,
	}
	list, isList := lists[key]
	switch {
	case isList && index >= 0 && index < len(*list):
		it := &(*list)[index]
		if !it.gone {
			it.gone = true
			rep.override(d.where, it.field, Dropped, q(it.value)+": cors-wasm refuses it: "+e.Reason)
		}
		return true
	case isList && index < 0 && (key == "allow_methods" || key == "allow_headers" || key == "expose_headers"):
		for _, it := range *list {
			rep.override(d.where, it.field, Dropped, q(it.value)+": cors-wasm refuses the list: "+e.Reason)
		}
		*list = nil
		return true
	case key == "max_age":
		rep.override(d.where, d.maxAgeField, Dropped, strconv.Itoa(d.maxAge)+": "+e.Reason+"; max-age header not sent")
		d.maxAge = 0
		return true
	}
	return false
}

// compact removes the items marked gone. It returns false when a match list
// that had entries lost them all.
func (d *draft) compact() bool {
	ok := true
	for _, list := range []*[]item{&d.hosts, &d.prefixes, &d.origins, &d.regexes, &d.methods, &d.headers, &d.expose} {
		had := len(*list) > 0
		kept := (*list)[:0]
		for _, it := range *list {
			if !it.gone {
				kept = append(kept, it)
			}
		}
		*list = kept
		if had && len(kept) == 0 && (list == &d.hosts || list == &d.prefixes) {
			ok = false
		}
	}
	return ok
}
