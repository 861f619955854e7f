package policy

import (
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"
	"github.com/cors-wasm/cors-wasm/policy/internal/origins"
)

// Load decodes, validates and compiles a configuration in one step.
//
// Decoding errors (unknown keys, wrong types) and validation errors are
// reported together; a validation error at or under a path that already failed
// to decode is left out, as it would only repeat the first problem.
func Load(data []byte) (*Set, error) {
	cfg, errs := parseConfig(data)
	if cfg == nil {
		return nil, errs
	}
	set, err := Compile(cfg)
	if len(errs) == 0 {
		return set, err
	}
	if cerrs, ok := err.(Errors); ok {
		for _, ce := range cerrs {
			if !relatedToAny(ce.Path(), errs) {
				errs = append(errs, ce)
			}
		}
	}
	return nil, errs
}

// relatedToAny reports whether path is an ancestor or descendant of (or equal
// to) the path of any of errs.
func relatedToAny(path string, errs Errors) bool {
	for _, e := range errs {
		if isWithin(path, e.Path()) || isWithin(e.Path(), path) {
			return true
		}
	}
	return false
}

// isWithin reports whether path equals ancestor or lies under it.
func isWithin(path, ancestor string) bool {
	if ancestor == "(root)" {
		return true
	}
	if !strings.HasPrefix(path, ancestor) {
		return false
	}
	rest := path[len(ancestor):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// Compile validates cfg and compiles it into an immutable Set. It reports every
// problem at once (an Errors value), and returns no Set at all when there is
// one: a configuration is applied whole or not at all.
//
// Verifying it costs work units; a configuration that needs more than
// MaxConfigWork, or a regex that needs more than MaxRegexWork, is refused as
// too complex to verify.
func Compile(cfg *Config) (*Set, error) {
	set, _, err := compile(cfg)
	return set, err
}

// compile is Compile, also returning the work units it spent.
func compile(cfg *Config) (*Set, int, error) {
	c := &compiler{work: MaxConfigWork}
	set := &Set{debugHeaders: cfg.DebugHeaders}
	if len(cfg.Policies) == 0 {
		c.fail(jsonPathKey(rootLoc, "policies"), Missing, "at least one policy is required (a configuration without policies would change nothing)")
	}
	if len(cfg.Policies) > MaxPolicies {
		c.fail(jsonPathKey(rootLoc, "policies"), OverLimit, "more than "+strconv.Itoa(MaxPolicies)+" policies")
	}
	names := map[string]bool{}
	granting := false
	for i := range cfg.Policies {
		granting = granting || !cfg.Policies[i].NoCORS
		if c.work < 0 {
			continue // out of verification work, which an earlier policy reported
		}
		pc := &cfg.Policies[i]
		path := jsonPathIndex(jsonPathKey(rootLoc, "policies"), i)
		if names[pc.Name] && pc.Name != "" {
			c.failValue(jsonPathKey(path, "name"), Duplicate, pc.Name, "duplicate policy name: names must be unique (they name the metrics)")
		}
		names[pc.Name] = true
		if p := c.policy(pc, path); p != nil {
			p.index = i
			set.policies = append(set.policies, p)
		}
	}
	if len(cfg.Policies) > 0 && !granting {
		c.fail(jsonPathKey(rootLoc, "policies"), Conflict, "every policy is no_cors: the configuration would change nothing")
	}
	used := MaxConfigWork - c.work
	if len(c.errs) > 0 {
		return nil, used, c.errs
	}
	set.compileShapes()
	return set, used, nil
}

// compiler collects every error of one Compile call.
type compiler struct {
	errs Errors
	work int // verification work units left (budget.go); below 0: refused as too complex
}

func (c *compiler) fail(path loc, k ErrorKind, reason string) {
	c.errs = append(c.errs, path.at(k, reason))
}

// failNumber reports a numeric value, shown unquoted.
func (c *compiler) failNumber(path loc, k ErrorKind, n int, reason string) {
	e := path.at(k, reason)
	e.Value, e.HasValue, e.Number = strconv.Itoa(n), true, true
	c.errs = append(c.errs, e)
}

func (c *compiler) failValue(path loc, k ErrorKind, value, reason string) {
	e := path.at(k, reason)
	e.Value, e.HasValue = value, true
	c.errs = append(c.errs, e)
}

// policy validates and compiles one policy; nil when it has errors.
func (c *compiler) policy(pc *PolicyConfig, path loc) *compiledPolicy {
	before := len(c.errs)
	if !c.spend(pc, path) {
		return nil
	}
	p := &compiledPolicy{name: pc.Name, credentials: pc.AllowCredentials, privateNet: pc.AllowPrivateNetwork}
	c.name(pc.Name, jsonPathKey(path, "name"))
	c.route(pc.Match, jsonPathKey(path, "match"), &p.route)
	if pc.NoCORS {
		c.noCORS(pc, path)
		if len(c.errs) > before {
			return nil
		}
		return &compiledPolicy{name: pc.Name, route: p.route, noCORS: true}
	}
	c.origins(pc, path, p)
	c.methods(pc, jsonPathKey(path, "allow_methods"), p)
	c.allowHeaders(pc, jsonPathKey(path, "allow_headers"), p)
	c.exposeHeaders(pc, jsonPathKey(path, "expose_headers"), p)
	c.options(pc, path, p)
	if len(c.errs) > before {
		return nil
	}
	for _, h := range p.headerList {
		p.headerFold = append(p.headerFold, foldMask(h))
	}
	for _, m := range p.methodList {
		if len(m) >= 3 && len(m) <= 8 {
			p.packedMethods = append(p.packedMethods, packedMethod{len(m), bytecmp.PackShort(m)})
		}
	}
	p.preflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
	if p.privateNet {
		p.preflightVary += ", Access-Control-Request-Private-Network"
	}
	return p
}

func (c *compiler) name(name string, path loc) {
	if name == "" {
		c.fail(path, Missing, "missing: every policy needs a name (it names the policy's metrics and log lines)")
		return
	}
	if len(name) > maxPolicyNameSize {
		c.failValue(path, OverLimit, name, "longer than "+strconv.Itoa(maxPolicyNameSize)+" bytes")
		return
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-') {
			c.failValue(path, InvalidValue, name, "may contain only letters, digits, '_' and '-' (it is part of metric names)")
			return
		}
	}
}

// options checks the scalar options and fills in defaults.
func (c *compiler) options(pc *PolicyConfig, path loc, p *compiledPolicy) {
	switch {
	case pc.MaxAge < -1 || pc.MaxAge > 86400:
		c.failNumber(jsonPathKey(path, "max_age"), OutOfRange, pc.MaxAge, "must be between -1 (disable preflight caching) and 86400 seconds")
	case pc.MaxAge == -1:
		p.acma = "0"
	case pc.MaxAge > 0:
		p.acma = strconv.Itoa(pc.MaxAge)
	}
	// 200 as Envoy's CORS filter, Istio and Gateway API answer (RATIONALE.md).
	p.preflightCode = 200
	if pc.PreflightStatus != 0 {
		if pc.PreflightStatus < 200 || pc.PreflightStatus > 299 {
			c.failNumber(jsonPathKey(path, "preflight_status"), OutOfRange, pc.PreflightStatus, "must be 200-299: browsers fail a preflight with any other status")
		}
		p.preflightCode = pc.PreflightStatus
	}
	p.rejectPreflight = c.choice(jsonPathKey(path, "on_rejected_preflight"), pc.OnRejectedPreflight, "reject", "forward")
	p.rejectDisallowed = !c.choice(jsonPathKey(path, "on_disallowed_origin"), pc.OnDisallowedOrigin, "pass", "reject")
	p.stripUpstream = c.choice(jsonPathKey(path, "upstream_cors_headers"), pc.UpstreamCORSHeaders, "replace", "keep")
	p.shadow = !c.choice(jsonPathKey(path, "mode"), pc.Mode, "enforce", "shadow")
}

// choice validates a two-valued string option; it reports whether the value is
// the default (first) one. "" means the default.
func (c *compiler) choice(path loc, value, def, other string) bool {
	switch value {
	case "", def:
		return true
	case other:
		return false
	}
	c.failValue(path, InvalidValue, value, "must be "+strconv.Quote(def)+" (the default) or "+strconv.Quote(other))
	return true
}

// route compiles "match".
func (c *compiler) route(m *MatchConfig, path loc, r *routeMatcher) {
	if m == nil {
		r.anyHost, r.anyPath = true, true
		return
	}
	r.anyHost = m.Hosts == nil
	r.anyPath = m.PathPrefixes == nil && m.Paths == nil
	c.listLen(jsonPathKey(path, "hosts"), m.Hosts, "every host matches")
	r.prefixes = c.pathList(jsonPathKey(path, "path_prefixes"), m.PathPrefixes, "a path prefix")
	r.paths = c.pathList(jsonPathKey(path, "paths"), m.Paths, "a path")
	for i, h := range m.Hosts {
		hp := jsonPathIndex(jsonPathKey(path, "hosts"), i)
		sub := strings.HasPrefix(h, "*.")
		host := strings.TrimPrefix(h, "*.")
		if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
			c.failValue(hp, InvalidValue, h, "a host pattern has no port: the port of :authority is ignored")
			continue
		}
		if reason := checkRouteHost(host, sub); reason != "" {
			c.failValue(hp, InvalidValue, h, reason)
			continue
		}
		if sub {
			r.hostSuffix = append(r.hostSuffix, "."+host)
		} else {
			r.exactHosts = append(r.exactHosts, host)
		}
	}
}

// pathList validates match.path_prefixes or match.paths; what names the
// kind of entry in errors.
func (c *compiler) pathList(path loc, list []string, what string) []string {
	c.listLen(path, list, "the other path list, or every path, matches")
	var out []string
	for i, p := range list {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#") || hasControl(p) {
			c.failValue(jsonPathIndex(path, i), InvalidValue, p, what+" starts with / and has no query, fragment or control characters")
			continue
		}
		out = append(out, p)
	}
	return out
}

// checkRouteHost validates a match.hosts entry; hosts compare
// case-insensitively, so uppercase is accepted here.
func checkRouteHost(host string, sub bool) string {
	if reason := origins.CheckHost(strings.ToLower(host), sub); reason != "" {
		return reason
	}
	return ""
}

// listLen refuses an explicitly empty list, which is ambiguous (absent says
// what the key means when left out: absentMeans), and overlong ones.
func (c *compiler) listLen(path loc, list []string, absentMeans string) bool {
	if list != nil && len(list) == 0 {
		c.fail(path, InvalidValue, "empty list is ambiguous: leave the key out ("+absentMeans+")")
		return false
	}
	if len(list) > MaxListedNames {
		c.fail(path, OverLimit, "more than "+strconv.Itoa(MaxListedNames)+" entries")
		return false
	}
	return true
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
