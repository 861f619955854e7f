package policy

import (
	"strconv"
	"strings"
)

// origins validates allow_origins and allow_origin_regexes into p.origins.
func (c *compiler) origins(pc *PolicyConfig, path loc, p *compiledPolicy) {
	lpath := jsonPathKey(path, "allow_origins")
	if len(pc.AllowOrigins) == 0 && len(pc.AllowOriginRegexes) == 0 {
		c.fail(path, Missing, "allow_origins and allow_origin_regexes are both empty: the policy would allow no origin")
		return
	}
	if len(pc.AllowOrigins) > MaxOrigins {
		c.fail(lpath, OverLimit, "more than "+strconv.Itoa(MaxOrigins)+" origins")
		return
	}
	seen := make(map[string]bool, len(pc.AllowOrigins))
	for i, o := range pc.AllowOrigins {
		opath := func() loc { return jsonPathIndex(lpath, i) } // only for errors: 100,000 origins need none
		if seen[o] {
			c.failValue(opath(), Duplicate, o, "listed twice")
			continue
		}
		seen[o] = true
		switch o {
		case "*":
			if pc.AllowCredentials {
				c.failValue(opath(), UnsafeOrigin, o, "cannot allow every origin together with allow_credentials: browsers refuse * with credentials, and reflecting any origin would let every site read credentialed responses (Gateway API and Envoy permit it and reflect the Origin; cors-wasm refuses it, CVE-2018-20744): list the origins, or drop allow_credentials")
				continue
			}
			if len(pc.AllowOrigins) > 1 || len(pc.AllowOriginRegexes) > 0 {
				c.failValue(opath(), Conflict, o, "* allows every origin: list it alone")
				continue
			}
			p.allowAll = true
			continue
		case "null":
			if !pc.DangerouslyAllowNullOrigin {
				c.failValue(opath(), UnsafeOrigin, o, `the "null" origin is sent by sandboxed iframes, local files and redirects, any of which an attacker can produce; set dangerously_allow_null_origin to allow it anyway`)
				continue
			}
			p.origins.add(originPattern{}, o)
			continue
		}
		op, reason := parseOriginPattern(o)
		kind := InvalidOrigin
		if reason == "" {
			reason, kind = c.originPolicyReason(op, pc), UnsafeOrigin
		}
		if reason != "" {
			c.failValue(opath(), kind, o, reason)
			continue
		}
		p.origins.add(op, o)
	}
	c.regexes(pc, jsonPathKey(path, "allow_origin_regexes"), p)
}

// originPolicyReason checks a well-formed pattern against the policy's other
// settings (README: what allow_origins refuses).
func (c *compiler) originPolicyReason(op originPattern, pc *PolicyConfig) string {
	if op.sub && op.host != "localhost" {
		if reason := subdomainReach(op); reason != "" {
			return reason
		}
	}
	if pc.AllowCredentials && op.scheme == "http" && !pc.DangerouslyAllowInsecureOrigins && !isLoopbackHost(op.host) {
		return "plain-http origin with allow_credentials: anyone on the network path can impersonate it; use https, or set dangerously_allow_insecure_origins"
	}
	return ""
}

// subdomainReach applies the origin-safety rule (publicsuffix.go) to a "*."
// pattern: every host under op.host must stay within op.host's registrable
// domain. The reason names one origin the pattern matches that breaks it.
func subdomainReach(op originPattern) string {
	origin := func(host string) string {
		if op.port != "" && op.port != anyPort {
			return op.scheme + "://" + host + ":" + op.port
		}
		return op.scheme + "://" + host
	}
	if isPublicSuffix(op.host) {
		return "wildcard over a public suffix: it would allow sites run by anyone under " + op.host + example(origin("evil."+op.host))
	}
	hosts := foreignHosts(op.host, "evil", []string{"x", "a", "0"})
	if len(hosts) == 0 {
		return ""
	}
	w := hosts[0].host
	if ps := publicSuffix(w); ps != w && strings.HasSuffix(ps, "."+op.host) {
		return "wildcard over a domain with a public suffix below it: anyone can create a site under " + ps + example(origin(w)) +
			": name your own site under it, as in " + Quote(origin("*.mysite."+ps))
	}
	return "wildcard over a domain with another registrable domain below it, " + w + example(origin(w)) + ": list your own origins"
}

func (c *compiler) regexes(pc *PolicyConfig, path loc, p *compiledPolicy) {
	if len(pc.AllowOriginRegexes) > MaxRegexes {
		c.fail(path, OverLimit, "more than "+strconv.Itoa(MaxRegexes)+" regexes")
		return
	}
	for i, expr := range pc.AllowOriginRegexes {
		if c.work < 0 {
			return // the configuration ran out of verification work at an earlier regex, which says so
		}
		re, reasons := verifyOriginRegex(expr, pc.AllowCredentials, pc.DangerouslyAllowInsecureOrigins, &c.work)
		for _, reason := range reasons {
			c.failValue(jsonPathIndex(path, i), BadRegex, expr, reason)
		}
		if len(reasons) == 0 {
			p.origins.regexes = append(p.origins.regexes, re)
		}
	}
}
