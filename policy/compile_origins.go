package policy

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// origins validates allow_origins and allow_origin_regexes into p.origins.
func (c *compiler) origins(pc *PolicyConfig, path string, p *compiledPolicy) {
	lpath := jsonPathKey(path, "allow_origins")
	if len(pc.AllowOrigins) == 0 && len(pc.AllowOriginRegexes) == 0 {
		c.fail(path, "allow_origins and allow_origin_regexes are both empty: the policy would allow no origin")
		return
	}
	if len(pc.AllowOrigins) > MaxOrigins {
		c.fail(lpath, "more than "+strconv.Itoa(MaxOrigins)+" origins")
		return
	}
	seen := make(map[string]bool, len(pc.AllowOrigins))
	for i, o := range pc.AllowOrigins {
		opath := jsonPathIndex(lpath, i)
		if seen[o] {
			c.failValue(opath, o, "listed twice")
			continue
		}
		seen[o] = true
		switch o {
		case "*":
			if pc.AllowCredentials {
				c.failValue(opath, o, "cannot allow every origin together with allow_credentials: browsers refuse * with credentials, and reflecting any origin would let every site read credentialed responses (Gateway API and Envoy permit it and reflect the Origin; cors-wasm refuses it, CVE-2018-20744): list the origins, or drop allow_credentials")
				continue
			}
			if len(pc.AllowOrigins) > 1 || len(pc.AllowOriginRegexes) > 0 {
				c.failValue(opath, o, "* allows every origin: list it alone")
				continue
			}
			p.allowAll = true
			continue
		case "null":
			if !pc.DangerouslyAllowNullOrigin {
				c.failValue(opath, o, `the "null" origin is sent by sandboxed iframes, local files and redirects, any of which an attacker can produce; set dangerously_allow_null_origin to allow it anyway`)
				continue
			}
			p.origins.add(originPattern{}, o)
			continue
		}
		op, reason := parseOriginPattern(o)
		if reason == "" {
			reason = c.originPolicyReason(op, pc)
		}
		if reason != "" {
			c.failValue(opath, o, reason)
			continue
		}
		p.origins.add(op, o)
	}
	c.regexes(pc, jsonPathKey(path, "allow_origin_regexes"), p)
}

// originPolicyReason checks a well-formed pattern against the policy's other
// settings (cors-rules.md "Misconfigurations a config check must refuse").
func (c *compiler) originPolicyReason(op originPattern, pc *PolicyConfig) string {
	if op.sub && op.host != "localhost" && isPublicSuffix(op.host) {
		return "wildcard over a public suffix: it would allow sites run by anyone under " + op.host
	}
	if pc.AllowCredentials && op.scheme == "http" && !pc.DangerouslyAllowInsecureOrigins && !isLoopbackHost(op.host) {
		return "plain-http origin with allow_credentials: anyone on the network path can impersonate it; use https, or set dangerously_allow_insecure_origins"
	}
	return ""
}

// Origins every sane regex must refuse; a regex matching all of them matches
// (almost) everything. (Regexes never see "null": it must be listed.)
var originProbes = []string{"https://attacker.example", "http://evil.test:8080", "https://a.b.c.d.invalid"}

func (c *compiler) regexes(pc *PolicyConfig, path string, p *compiledPolicy) {
	if len(pc.AllowOriginRegexes) > MaxRegexes {
		c.fail(path, "more than "+strconv.Itoa(MaxRegexes)+" regexes")
		return
	}
	for i, expr := range pc.AllowOriginRegexes {
		rpath := jsonPathIndex(path, i)
		re, reason := compileOriginRegex(expr)
		if reason == "" {
			all := true
			for _, probe := range originProbes {
				all = all && re.MatchString(probe)
			}
			if all {
				reason = "matches every origin: list the origins, or use * without credentials"
			}
		}
		if reason == "" && pc.AllowCredentials && !pc.DangerouslyAllowInsecureOrigins && !secureRegex(re) {
			reason = "may match plain-http origins with allow_credentials: start it with a literal ^https:// (or http:// and a loopback host), or set dangerously_allow_insecure_origins"
		}
		if reason != "" {
			c.failValue(rpath, expr, reason)
			continue
		}
		p.origins.regexes = append(p.origins.regexes, re)
	}
}

// secureRegex reports whether every origin re can match is https, or http on a
// loopback host: its literal prefix must say so, since regexes cannot be
// intersected with "every http origin".
func secureRegex(re *regexp.Regexp) bool {
	prefix, complete := re.LiteralPrefix()
	if strings.HasPrefix(prefix, "https://") {
		return true
	}
	for _, host := range []string{"localhost", "127.0.0.1", "[::1]"} {
		if strings.HasPrefix(prefix, "http://"+host+":") || complete && prefix == "http://"+host {
			return true
		}
	}
	return false
}

// compileOriginRegex checks that expr is RE2, anchored at both ends and free of
// a lone unescaped '.' (the classic https://www.example.com regex also allows
// https://wwwxexample.com).
func compileOriginRegex(expr string) (*regexp.Regexp, string) {
	if len(expr) > MaxRegexBytes {
		return nil, "longer than " + strconv.Itoa(MaxRegexBytes) + " bytes"
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, "not a valid RE2 regex: " + err.Error()
	}
	if !anchored(tree) {
		return nil, "must be anchored: start with ^ and end with $ (unanchored regexes match origins that merely contain the text)"
	}
	if hasLoneAnyChar(tree, false) {
		return nil, `contains an unescaped "." that matches any character: write \. for a literal dot`
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, "not a valid RE2 regex: " + err.Error()
	}
	return re, ""
}

// anchored reports whether every alternative starts with ^ and ends with $.
func anchored(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCapture:
		return anchored(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !anchored(sub) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		return len(re.Sub) >= 2 && re.Sub[0].Op == syntax.OpBeginText && re.Sub[len(re.Sub)-1].Op == syntax.OpEndText
	}
	return false
}

// hasLoneAnyChar finds "." outside a repetition.
func hasLoneAnyChar(re *syntax.Regexp, repeated bool) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return !repeated
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		repeated = true
	}
	for _, sub := range re.Sub {
		if hasLoneAnyChar(sub, repeated) {
			return true
		}
	}
	return false
}
