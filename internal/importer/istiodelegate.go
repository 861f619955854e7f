package importer

import (
	"strings"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"
)

// mergeDelegate is a delegate's route as Istio merges it under the root's
// route (pilot/pkg/model/virtualservice.go, mergeHTTPRoute): each of the
// delegate's matches must fall inside one of the root's, and is merged with
// each root match it does not conflict with; a delegate route with a match
// that fits none is left out (ok false). The corsPolicy, redirect and
// direct response are the caller's: the delegate's own, else the root's.
func mergeDelegate(root, delegate *networking.HTTPRoute) (*networking.HTTPRoute, bool) {
	out := proto.Clone(delegate).(*networking.HTTPRoute)
	switch {
	case len(root.GetMatch()) == 0:
	case len(delegate.GetMatch()) == 0:
		out.Match = root.GetMatch()
	default:
		out.Match = nil
		for _, leaf := range delegate.GetMatch() {
			found := false
			for _, r := range root.GetMatch() {
				if matchConflict(r, leaf) {
					continue
				}
				out.Match = append(out.Match, mergeMatch(r, leaf))
				found = true
			}
			if !found {
				return nil, false
			}
		}
	}
	return out, true
}

// matchConflict follows hasConflict: the delegate's uri, scheme, method and
// authority must lie within the root's, its header, withoutHeaders and
// query conditions within the root's of the same name, ignoreUriCase must
// agree, and the ports must not differ.
func matchConflict(root, leaf *networking.HTTPMatchRequest) bool {
	roots := []*networking.StringMatch{root.GetUri(), root.GetScheme(), root.GetMethod(), root.GetAuthority()}
	leaves := []*networking.StringMatch{leaf.GetUri(), leaf.GetScheme(), leaf.GetMethod(), leaf.GetAuthority()}
	for i := range roots {
		if stringMatchConflict(roots[i], leaves[i]) {
			return true
		}
	}
	for _, pair := range [][2]map[string]*networking.StringMatch{{root.GetHeaders(), leaf.GetHeaders()},
		{root.GetWithoutHeaders(), leaf.GetWithoutHeaders()}, {root.GetQueryParams(), leaf.GetQueryParams()}} {
		for k, v := range pair[1] {
			if stringMatchConflict(pair[0][k], v) {
				return true
			}
		}
	}
	return root.GetIgnoreUriCase() != leaf.GetIgnoreUriCase() ||
		root.GetPort() > 0 && leaf.GetPort() > 0 && root.GetPort() != leaf.GetPort()
}

// stringMatchConflict: no conflict when either side is unset; a regex
// always conflicts; an exact root takes only the same exact value; a
// prefix root takes a prefix or exact value that starts with it.
func stringMatchConflict(root, leaf *networking.StringMatch) bool {
	if root == nil || leaf == nil {
		return false
	}
	if root.GetRegex() != "" || leaf.GetRegex() != "" {
		return true
	}
	if exact := root.GetExact(); exact != "" {
		return leaf.GetPrefix() != "" || leaf.GetExact() != exact
	}
	if prefix := root.GetPrefix(); prefix != "" {
		if leaf.GetPrefix() != "" {
			return !strings.HasPrefix(leaf.GetPrefix(), prefix)
		}
		if leaf.GetExact() != "" {
			return !strings.HasPrefix(leaf.GetExact(), prefix)
		}
	}
	return true
}

// mergeMatch follows mergeHTTPMatchRequest: the delegate's conditions,
// with the root's where the delegate sets none.
func mergeMatch(root, leaf *networking.HTTPMatchRequest) *networking.HTTPMatchRequest {
	out := proto.Clone(leaf).(*networking.HTTPMatchRequest)
	if out.Uri == nil {
		out.Uri = root.GetUri()
	}
	if out.Scheme == nil {
		out.Scheme = root.GetScheme()
	}
	if out.Method == nil {
		out.Method = root.GetMethod()
	}
	if out.Authority == nil {
		out.Authority = root.GetAuthority()
	}
	out.Headers = mergeMaps(root.GetHeaders(), leaf.GetHeaders())
	out.WithoutHeaders = mergeMaps(root.GetWithoutHeaders(), leaf.GetWithoutHeaders())
	out.QueryParams = mergeMaps(root.GetQueryParams(), leaf.GetQueryParams())
	if out.Port == 0 {
		out.Port = root.GetPort()
	}
	return out
}

func mergeMaps(a, b map[string]*networking.StringMatch) map[string]*networking.StringMatch {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := map[string]*networking.StringMatch{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
