package policy

// Kind is what a request is, for CORS.
type Kind uint8

// Request kinds. KindNone means no policy applies.
const (
	KindNone      Kind = iota // no policy matched the route: pass untouched
	KindNoOrigin              // no Origin header: not a CORS request
	KindPreflight             // OPTIONS + Origin + Access-Control-Request-Method
	KindActual                // any other request with an Origin
)

var kindNames = [...]string{"none", "no_origin", "preflight", "actual"}

// String is the kind's name in logs.
func (k Kind) String() string { return kindNames[k] }

// Reason says why a request was rejected; ReasonNone when it was not.
type Reason uint8

// Rejection reasons; their names appear in counters, logs and x-cors-reason.
const (
	ReasonNone Reason = iota
	ReasonOrigin
	ReasonMethod
	ReasonHeaders
	ReasonPrivateNetwork
	ReasonLimits
	numReasons
)

var reasonNames = [...]string{"", "origin", "method", "headers", "private_network", "limits"}

// String is the reason's name in counters and logs.
func (r Reason) String() string { return reasonNames[r] }

// Detail is a precise, static explanation of a rejection (for logs and the
// debug header); it never contains request data.
type Detail uint8

// Rejection details.
const (
	DetailNone Detail = iota
	DetailOriginNotAllowed
	DetailOriginRepeated
	DetailOriginTooLong
	DetailMethodNotAllowed
	DetailMethodMalformed
	DetailMethodForbidden
	DetailHeaderNotAllowed
	DetailHeaderMalformed
	DetailAuthorizationNotNamed
	DetailHeadersTooLong
	DetailTooManyHeaders
	DetailPrivateNetworkNotAllowed
	DetailMethodTooLong
	DetailMethodRepeated
)

var detailTexts = [...]string{
	"",
	"origin: origin not allowed",
	"origin: several Origin header lines",
	"limits: origin longer than the limit",
	"method: requested method not allowed",
	"method: requested method is not a token",
	"method: requested method is forbidden",
	"headers: a requested header is not allowed",
	"headers: a requested header name is malformed or too long",
	"headers: authorization must be allowed by name, not by *",
	"limits: access-control-request-headers longer than the limit",
	"limits: too many requested headers",
	"private_network: private network access not allowed",
	"limits: access-control-request-method longer than the limit",
	"method: several access-control-request-method values",
}

// String is the detail as "reason: explanation".
func (d Detail) String() string { return detailTexts[d] }

// Counter identifies one of the per-policy counters the plugin keeps.
type Counter uint8

// Per-policy counters. Envoy shows them as wasmcustom.cors.<policy>.<name>.
const (
	CounterNoOrigin Counter = iota
	CounterPreflightAllowed
	CounterPreflightRejectedOrigin
	CounterPreflightRejectedMethod
	CounterPreflightRejectedHeaders
	CounterPreflightRejectedPrivateNetwork
	CounterPreflightRejectedLimits
	CounterActualAllowed
	CounterActualDisallowed
	CounterShadowWouldReject
	NumCounters
)

var counterNames = [...]string{
	"no_origin", "preflight_allowed",
	"preflight_rejected.origin", "preflight_rejected.method", "preflight_rejected.headers",
	"preflight_rejected.private_network", "preflight_rejected.limits",
	"actual_allowed", "actual_disallowed", "shadow_would_reject",
}

// String is the counter's name within its policy.
func (c Counter) String() string { return counterNames[c] }

// NoPolicyCounter is the plugin-wide counter of requests with an Origin that
// no policy covers (they pass untouched). It has two segments, so no
// per-policy name (cors.<policy>.<counter>) can be the same.
const NoPolicyCounter = "cors.no_policy"

// CounterName is the full metric name of counter c of the named policy.
func CounterName(policyName string, c Counter) string {
	return "cors." + policyName + "." + c.String()
}
