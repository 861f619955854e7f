package policy

import "github.com/cors-wasm/cors-wasm/policy/internal/origins"

// Limits on a configuration: one beyond them is refused, so configure time
// and memory stay bounded.
const (
	MaxPolicies    = 1000
	MaxOrigins     = 100000 // allow_origins entries, per policy
	MaxRegexes     = 100    // allow_origin_regexes entries, per policy
	MaxRegexBytes  = origins.MaxRegexBytes
	MaxListedNames = 100 // allow_methods, allow_headers, expose_headers, hosts, path_prefixes, paths

	// Checking allow_origin_regexes is counted in work units, a measure that
	// does not depend on the machine (about one step of a regex matcher): a
	// regex that needs more than MaxRegexWork, or a configuration whose
	// regexes and lists need more than MaxConfigWork, is refused as too
	// complex to verify rather than accepted unchecked.
	MaxRegexWork  = origins.MaxRegexWork
	MaxConfigWork = origins.MaxConfigWork

	maxPolicyNameSize = 64
)

// Limits on the request values a decision looks at, so work and memory per
// request are bounded whatever the input.
const (
	MaxOriginBytes  = origins.MaxOriginBytes // longer Origin values are rejected (Reason limits)
	MaxMethodBytes  = 64                     // longer Access-Control-Request-Method values are rejected
	MaxACRHBytes    = 4096                   // Access-Control-Request-Headers, all lines together
	MaxACRHElements = 64                     // names in Access-Control-Request-Headers
	MaxACRHCommas   = 2 * MaxACRHElements    // commas, counting one per extra line (Envoy joins lines with ",")

	// MaxRefusedBytes bounds the request value a rejection names in logs and
	// in x-cors-reason: a longer value is cut there and marked with "...", so
	// a hostile request cannot make a log line or a header grow with it.
	MaxRefusedBytes = 64

	maxEchoBytes = MaxOriginBytes + MaxMethodBytes + MaxACRHBytes + MaxACRHElements // + commas joining lines
)
