package origins

// Limits the engine publishes as its own (policy.MaxOriginBytes,
// policy.MaxRegexBytes): the analysis relies on them too.
const (
	MaxOriginBytes = 1024 // longer Origin values are rejected
	MaxRegexBytes  = 1000 // longer allow_origin_regexes entries are refused
)
