package policy

import (
	"strconv"

	"github.com/cors-wasm/cors-wasm/policy/internal/origins"
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
			p.origins.Add(origins.Pattern{}, o)
			continue
		}
		op, reason := origins.ParsePattern(o)
		kind := InvalidOrigin
		if reason == "" {
			reason, kind = op.Unsafe(pc.AllowCredentials, pc.DangerouslyAllowInsecureOrigins), UnsafeOrigin
		}
		if reason != "" {
			c.failValue(opath(), kind, o, reason)
			continue
		}
		p.origins.Add(op, o)
	}
	c.regexes(pc, jsonPathKey(path, "allow_origin_regexes"), p)
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
		re, reasons := origins.VerifyRegex(expr, pc.AllowCredentials, pc.DangerouslyAllowInsecureOrigins, &c.work)
		for _, reason := range reasons {
			c.failValue(jsonPathIndex(path, i), BadRegex, expr, reason)
		}
		if len(reasons) == 0 {
			p.origins.AddRegex(re)
		}
	}
}
