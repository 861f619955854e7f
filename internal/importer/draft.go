package importer

import (
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

// grant is the CORS settings of one source policy as cors-wasm values. One
// grant may be written into several policies (a route with several
// hostnames), which then share its values and its fate.
type grant struct {
	src   *source
	field string // the source object, e.g. spec.rules[0].filters[0].cors

	origins, regexes, methods, headers, expose []item

	credentials      bool
	credentialsField string
	maxAge           int
	maxAgeField      string
	privateNet       bool
	onRejected       string // "", "reject" or "forward"
	mode             string // "" or "shadow"
}

// draft is one policy on its way to the output: where it applies, and
// what it grants (nothing, a no_cors policy, when grant is nil).
type draft struct {
	name  string // wanted name, made unique later
	src   *source
	field string // the route or host it stands for, for the report

	hosts, prefixes, paths []item
	grant                  *grant
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
		pc := policy.PolicyConfig{Name: d.name, NoCORS: d.grant == nil}
		if g := d.grant; g != nil {
			pc.AllowOrigins, pc.AllowOriginRegexes = values(g.origins), values(g.regexes)
			pc.AllowMethods, pc.AllowHeaders, pc.ExposeHeaders = values(g.methods), values(g.headers), values(g.expose)
			pc.AllowCredentials, pc.MaxAge, pc.AllowPrivateNetwork = g.credentials, g.maxAge, g.privateNet
			pc.OnRejectedPreflight, pc.Mode = g.onRejected, g.mode
		}
		if len(d.hosts) > 0 || len(d.prefixes) > 0 || len(d.paths) > 0 {
			pc.Match = &policy.MatchConfig{Hosts: values(d.hosts), PathPrefixes: values(d.prefixes), Paths: values(d.paths)}
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
