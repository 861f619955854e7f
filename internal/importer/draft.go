package importer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// item is one value written to the output, with the source setting it came
// from, so a value the plugin refuses can be dropped and reported by its
// source name.
type item struct {
	value string
	field string
	gone  bool // refused by policy.Compile: removed before the next round
}

// draft is one policy on its way to the output.
type draft struct {
	name  string // wanted name, made unique later
	where string // file:line and resource, for the report
	field string // the source object, e.g. spec.rules[0].filters[0].cors

	hosts, prefixes                            []item
	origins, regexes, methods, headers, expose []item

	credentials      bool
	credentialsField string
	maxAge           int
	maxAgeField      string
	privateNet       bool
	onRejected       string // "", "reject" or "forward"
	mode             string // "" or "shadow"

	// Gateway API precedence (only among drafts with gatewayOrder set).
	gatewayOrder bool
	group        int // drafts are ordered by group (source document order), then by precedence within a group
}

// precedence ranks Gateway API drafts: exact hostnames before wildcard
// hostnames before none, then longer path prefixes first.
func (d *draft) precedence() (hostRank, prefixLen int) {
	hostRank = 2
	for _, h := range d.hosts {
		switch {
		case !strings.HasPrefix(h.value, "*."):
			hostRank = 0
		case hostRank > 1:
			hostRank = 1
		}
	}
	for _, p := range d.prefixes {
		if len(p.value) > prefixLen {
			prefixLen = len(p.value)
		}
	}
	return hostRank, prefixLen
}

// order sorts drafts: source groups in input order; within a group of
// Gateway API drafts, by Gateway API precedence, since cors-wasm takes the
// first policy that matches.
func order(ds []*draft) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.group != b.group {
			return a.group < b.group
		}
		if !a.gatewayOrder || !b.gatewayOrder {
			return false
		}
		ha, pa := a.precedence()
		hb, pb := b.precedence()
		if ha != hb {
			return ha < hb
		}
		return pa > pb
	})
}

// values returns the values of items, nil for none (so empty lists are left out).
func values(items []item) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.value
	}
	return out
}

// config builds the configuration the drafts describe.
func config(ds []*draft) *policy.Config {
	cfg := &policy.Config{}
	for _, d := range ds {
		pc := policy.PolicyConfig{
			Name:                d.name,
			AllowOrigins:        values(d.origins),
			AllowOriginRegexes:  values(d.regexes),
			AllowMethods:        values(d.methods),
			AllowHeaders:        values(d.headers),
			ExposeHeaders:       values(d.expose),
			AllowCredentials:    d.credentials,
			MaxAge:              d.maxAge,
			AllowPrivateNetwork: d.privateNet,
			OnRejectedPreflight: d.onRejected,
			Mode:                d.mode,
		}
		if len(d.hosts) > 0 || len(d.prefixes) > 0 {
			pc.Match = &policy.MatchConfig{Hosts: values(d.hosts), PathPrefixes: values(d.prefixes)}
		}
		cfg.Policies = append(cfg.Policies, pc)
	}
	return cfg
}

// uniqueNames gives every draft a valid, unique policy name.
func uniqueNames(ds []*draft) {
	seen := map[string]bool{}
	for _, d := range ds {
		base := sanitizeName(d.name)
		name := base
		for n := 2; seen[name]; n++ {
			suffix := "-" + strconv.Itoa(n)
			name = truncate(base, 64-len(suffix)) + suffix
		}
		seen[name] = true
		d.name = name
	}
}

// sanitizeName keeps letters, digits, '_' and '-' (the characters policy
// names, which become metric names, allow) and at most 64 bytes.
func sanitizeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "imported"
	}
	return truncate(b.String(), 64)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
