package origins

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/quote"
)

// Unsafe checks a parsed pattern against the policy's other settings and
// says what it would wrongly allow, or "" when it is safe: a "*." wildcard
// must stay within the registrable domain its author wrote (publicsuffix.go),
// and a credentialed policy allows plain-http origins only on loopback or
// when insecureOK.
func (p Pattern) Unsafe(credentials, insecureOK bool) string {
	if p.sub && p.host != "localhost" {
		if reason := subdomainReach(p); reason != "" {
			return reason
		}
	}
	if credentials && p.scheme == "http" && !insecureOK && !isLoopbackHost(p.host) {
		return "plain-http origin with allow_credentials: anyone on the network path can impersonate it; use https, or set dangerously_allow_insecure_origins"
	}
	return ""
}

// subdomainReach applies the origin-safety rule (publicsuffix.go) to a "*."
// pattern: every host under p.host must stay within p.host's registrable
// domain. The reason names one origin the pattern matches that breaks it.
func subdomainReach(p Pattern) string {
	origin := func(host string) string {
		if p.port != "" && p.port != anyPort {
			return p.scheme + "://" + host + ":" + p.port
		}
		return p.scheme + "://" + host
	}
	if isPublicSuffix(p.host) {
		return "wildcard over a public suffix: it would allow sites run by anyone under " + p.host + example(origin("evil."+p.host))
	}
	hosts := foreignHosts(p.host, "evil", []string{"x", "a", "0"})
	if len(hosts) == 0 {
		return ""
	}
	w := hosts[0].host
	if ps := publicSuffix(w); ps != w && strings.HasSuffix(ps, "."+p.host) {
		return "wildcard over a domain with a public suffix below it: anyone can create a site under " + ps + example(origin(w)) +
			": name your own site under it, as in " + quote.Value(origin("*.mysite."+ps))
	}
	return "wildcard over a domain with another registrable domain below it, " + w + example(origin(w)) + ": list your own origins"
}
