package policy

import (
	"strconv"

	"github.com/cors-wasm/cors-wasm/policy/internal/origins"
)

// spend charges a policy's lists to the configuration's budget, before they
// are validated (its regexes are charged as they are checked). Each list counts
// up to its own limit: a longer one is refused for that. It reports whether
// work was left; when the policy uses up the last of it, the policy is named.
func (c *compiler) spend(pc *PolicyConfig, path loc) bool {
	entries := min(len(pc.AllowOrigins), MaxOrigins) + min(len(pc.AllowMethods), MaxListedNames) +
		min(len(pc.AllowHeaders), MaxListedNames) + min(len(pc.ExposeHeaders), MaxListedNames)
	if pc.Match != nil {
		entries += min(len(pc.Match.Hosts), MaxListedNames) + min(len(pc.Match.PathPrefixes), MaxListedNames)
	}
	if c.work -= origins.ListWork(entries); c.work < 0 {
		c.fail(path, OverLimit, "the configuration is too large to verify: it needs more than "+strconv.Itoa(MaxConfigWork)+
			" work units (see README, \"Configure limits\"), and runs out at this policy ("+strconv.Itoa(entries)+
			" origins, methods, headers, hosts and path prefixes): split it over several filters, or use fewer origins and policies")
		return false
	}
	return true
}
