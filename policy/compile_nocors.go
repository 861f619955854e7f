package policy

// noCORS refuses every setting beside name and match on a no_cors policy:
// such a policy grants nothing, so a setting there would be silently
// ignored, or read as a grant the policy never makes. Values equal to the
// default are the same as leaving the key out.
func (c *compiler) noCORS(pc *PolicyConfig, path loc) {
	// In the order of policyKeys, from allow_origins on.
	set := [...]bool{pc.AllowOrigins != nil, pc.AllowOriginRegexes != nil, pc.AllowMethods != nil,
		pc.AllowHeaders != nil, pc.ExposeHeaders != nil, pc.AllowCredentials, pc.MaxAge != 0, pc.AllowPrivateNetwork,
		pc.PreflightStatus != 0, pc.OnRejectedPreflight != "", pc.OnDisallowedOrigin != "", pc.UpstreamCORSHeaders != "",
		pc.Mode != "", pc.DangerouslyAllowNullOrigin, pc.DangerouslyAllowInsecureOrigins}
	for i, on := range set {
		if key := policyKeys[2+i]; on {
			c.fail(jsonPathKey(path, key), Conflict, "a no_cors policy grants nothing and passes requests untouched: remove "+key+", or no_cors")
		}
	}
}
