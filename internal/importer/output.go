package importer

import (
	"encoding/json"

	"github.com/cors-wasm/cors-wasm/policy"
)

// outConfig and outPolicy are policy.Config as written: keys left out when
// they hold the default, since the plugin's decoder refuses null and an
// explicit empty list means something else than an absent one.
type outConfig struct {
	Policies []outPolicy `json:"policies"`
}

type outPolicy struct {
	Name                string    `json:"name"`
	Match               *outMatch `json:"match,omitempty"`
	NoCORS              bool      `json:"no_cors,omitempty"`
	AllowOrigins        []string  `json:"allow_origins,omitempty"`
	AllowOriginRegexes  []string  `json:"allow_origin_regexes,omitempty"`
	AllowMethods        []string  `json:"allow_methods,omitempty"`
	AllowHeaders        []string  `json:"allow_headers,omitempty"`
	ExposeHeaders       []string  `json:"expose_headers,omitempty"`
	AllowCredentials    bool      `json:"allow_credentials,omitempty"`
	MaxAge              int       `json:"max_age,omitempty"`
	AllowPrivateNetwork bool      `json:"allow_private_network,omitempty"`
	OnRejectedPreflight string    `json:"on_rejected_preflight,omitempty"`
	Mode                string    `json:"mode,omitempty"`
}

type outMatch struct {
	Hosts        []string `json:"hosts,omitempty"`
	PathPrefixes []string `json:"path_prefixes,omitempty"`
	Paths        []string `json:"paths,omitempty"`
}

// Marshal writes cfg as indented JSON for the plugin (the keys the importer
// sets; everything else keeps its default).
func Marshal(cfg *policy.Config) []byte {
	out := outConfig{Policies: []outPolicy{}}
	for _, p := range cfg.Policies {
		op := outPolicy{
			Name: p.Name, AllowOrigins: p.AllowOrigins, AllowOriginRegexes: p.AllowOriginRegexes,
			AllowMethods: p.AllowMethods, AllowHeaders: p.AllowHeaders, ExposeHeaders: p.ExposeHeaders,
			AllowCredentials: p.AllowCredentials, MaxAge: p.MaxAge, AllowPrivateNetwork: p.AllowPrivateNetwork,
			OnRejectedPreflight: p.OnRejectedPreflight, Mode: p.Mode, NoCORS: p.NoCORS,
		}
		if p.Match != nil {
			op.Match = &outMatch{Hosts: p.Match.Hosts, PathPrefixes: p.Match.PathPrefixes, Paths: p.Match.Paths}
		}
		out.Policies = append(out.Policies, op)
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return append(b, '\n')
}
