package policy_test

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// invariantViolation checks a decision against the invariants of
// docs/rules.md and returns the first violation, or "".
func invariantViolation(r *policy.Request, d *policy.Decision, allowNull bool) string {
	count := map[string]int{}
	values := map[string]string{}
	for _, f := range d.Fields() {
		count[f.Name]++
		values[f.Name] = f.Value
		for i := 0; i < len(f.Value); i++ {
			if c := f.Value[i]; c < 0x20 || c == 0x7f {
				return "5: control byte in " + f.Name // invariant I5
			}
		}
	}
	acao, hasACAO := values["access-control-allow-origin"]
	// 1. ACAO is absent, "*", or byte-for-byte the request's Origin, and
	// a non-* ACAO means the origin is allowed.
	if hasACAO && acao != "*" {
		if acao != r.Origin {
			return "1: ACAO is not the request origin"
		}
		if !d.Allowed {
			return "1: ACAO granted to a rejected request"
		}
		if r.Origins != 1 {
			return "1: ACAO granted with several Origin lines"
		}
	}
	// 2. Never ACAO * with ACAC; ACAC exactly "true"; ACAO null only when allowed.
	if acac, ok := values["access-control-allow-credentials"]; ok {
		if acac != "true" {
			return "2: ACAC is not true"
		}
		if acao == "*" {
			return "2: ACAO * with ACAC"
		}
		// 4. With credentials, no "*" in the lists.
		for _, h := range []string{"access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"} {
			if strings.Contains(values[h], "*") {
				return "4: * in " + h + " with credentials"
			}
		}
	}
	if acao == "null" && !allowNull {
		return "2: ACAO null"
	}
	// 3. At most one ACAO, ACAC, ACMA line.
	for _, h := range []string{"access-control-allow-origin", "access-control-allow-credentials", "access-control-max-age", "vary"} {
		if count[h] > 1 {
			return "3: several " + h + " lines"
		}
	}
	// 5. Lists hold only tokens.
	for _, h := range []string{"access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"} {
		for _, e := range strings.Split(values[h], ",") {
			if e = strings.TrimSpace(e); e == "" && values[h] != "" || !isToken(e) && e != "" {
				return "5: non-token in " + h
			}
		}
	}
	// 6. A failed preflight carries no Access-Control-Allow-* header; a
	// successful one is a 2xx local reply that never reaches the upstream.
	if d.Kind == policy.KindPreflight {
		if !d.Allowed {
			for name := range count {
				if strings.HasPrefix(name, "access-control-allow-") {
					return "6: failed preflight carries " + name
				}
			}
		} else if !d.Shadow && (!d.Reply || d.Status < 200 || d.Status > 299) {
			return "6: allowed preflight not answered locally with 2xx"
		}
	}
	if d.Kind == policy.KindActual && d.Allowed != hasACAO && d.Reply == false && !d.Shadow {
		return "1: actual request allowed without ACAO or ACAO without allowed"
	}
	return ""
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}
