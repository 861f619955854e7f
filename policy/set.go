package policy

import "github.com/cors-wasm/cors-wasm/policy/internal/origins"

// Set is a compiled, immutable configuration: build it once with Compile or
// Load at configure time and call Decide for every request, from any number of
// goroutines.
type Set struct {
	policies     []*compiledPolicy
	debugHeaders bool
	shapes       []Shape // by id - 1 (shape.go)
}

// Len is the number of policies.
func (s *Set) Len() int { return len(s.policies) }

// PolicyName is the name of policy i.
func (s *Set) PolicyName(i int) string { return s.policies[i].name }

// Shadow reports whether policy i runs in shadow mode.
func (s *Set) Shadow(i int) bool { return s.policies[i].shadow }

// compiledPolicy is one policy with every header value precomputed.
type compiledPolicy struct {
	name   string
	index  int
	route  routeMatcher
	noCORS bool // grants nothing: requests it selects pass untouched

	allowAll bool // allow_origins ["*"]: ACAO "*", independent of Origin
	origins  origins.Matcher

	anyMethod     bool
	methods       map[string]struct{}
	methodList    []string       // the same methods, for short lists
	packedMethods []packedMethod // the same methods of 3-8 bytes, packed (checkMethod)
	anyHeader     bool
	authNamed     bool // "authorization" listed by name next to "*"
	headers       map[string]struct{}
	headerList    []string // the same names, for short lists
	headerFold    []string // foldMask of each of headerList
	credentials   bool
	privateNet    bool
	preflightCode int

	rejectPreflight  bool // on_rejected_preflight "reject"
	rejectDisallowed bool // on_disallowed_origin "reject"
	stripUpstream    bool // upstream_cors_headers "replace"
	shadow           bool

	// Precomputed header values; "" means the header is not sent. echo* flags
	// mean the value is the validated request value instead.
	acam, acah, aceh, acma  string
	echoMethod, echoHeaders bool
	preflightVary           string
	shapes                  policyShapes
}

// Response header names, lowercase as HTTP/2 and Envoy want them.
const (
	hACAO  = "access-control-allow-origin"
	hACAC  = "access-control-allow-credentials"
	hACAM  = "access-control-allow-methods"
	hACAH  = "access-control-allow-headers"
	hACEH  = "access-control-expose-headers"
	hACMA  = "access-control-max-age"
	hACAPN = "access-control-allow-private-network"
	hVary  = "vary"
	hDebug = "x-cors-reason"
)

// NeedsRoute reports whether choosing a policy depends on :authority or
// :path. When it does not, a request without Origin needs no other header:
// a filter can decide it from the Origin lookup alone.
func (s *Set) NeedsRoute() bool {
	for _, p := range s.policies {
		if !p.route.anyHost || !p.route.anyPath {
			return true
		}
	}
	return false
}
