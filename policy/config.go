package policy

// Config is the plugin configuration as written by the user: plain data, decoded
// strictly from JSON by ParseConfig and turned into an immutable Set by Compile.
// The json tags document the key names; ParseConfig's decoder is the
// authority, and a test keeps the two in sync.
type Config struct {
	Policies     []PolicyConfig `json:"policies"`
	DebugHeaders bool           `json:"debug_headers"`
}

// PolicyConfig is one CORS policy. Zero values mean the documented defaults.
type PolicyConfig struct {
	Name                            string       `json:"name"`
	Match                           *MatchConfig `json:"match"`
	AllowOrigins                    []string     `json:"allow_origins"`
	AllowOriginRegexes              []string     `json:"allow_origin_regexes"`
	AllowMethods                    []string     `json:"allow_methods"`
	AllowHeaders                    []string     `json:"allow_headers"`
	ExposeHeaders                   []string     `json:"expose_headers"`
	AllowCredentials                bool         `json:"allow_credentials"`
	MaxAge                          int          `json:"max_age"`
	AllowPrivateNetwork             bool         `json:"allow_private_network"`
	PreflightStatus                 int          `json:"preflight_status"`
	OnRejectedPreflight             string       `json:"on_rejected_preflight"`
	OnDisallowedOrigin              string       `json:"on_disallowed_origin"`
	UpstreamCORSHeaders             string       `json:"upstream_cors_headers"`
	Mode                            string       `json:"mode"`
	DangerouslyAllowNullOrigin      bool         `json:"dangerously_allow_null_origin"`
	DangerouslyAllowInsecureOrigins bool         `json:"dangerously_allow_insecure_origins"`
	// NoCORS marks a policy that grants nothing: requests its match selects
	// pass untouched, exactly as when no policy applies, and the policies
	// after it are not tried for them. Only name and match may go with it.
	NoCORS bool `json:"no_cors"`
}

// MatchConfig selects the requests a policy applies to. A list left out
// matches everything; a request matches when its host is in Hosts and its
// path (:path before '?') has one of PathPrefixes or equals one of Paths.
type MatchConfig struct {
	Hosts        []string `json:"hosts"`
	PathPrefixes []string `json:"path_prefixes"`
	Paths        []string `json:"paths"`
}
