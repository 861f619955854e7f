package policy_test

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// A no_cors policy takes only name and match: any other setting would be
// ignored, or read as a grant it never makes, so each is refused by name.
// Exact paths are validated like path prefixes.
func TestCompileNoCORSAndPaths(t *testing.T) {
	cases := []struct {
		name, config string
		want         []string // each must start one error line, in order; none = accepted
	}{
		{"no_cors with match only", `{"policies":[{"name":"off","match":{"hosts":["admin.example.com"]},"no_cors":true},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`, nil},
		{"no_cors with origins", `{"policies":[{"name":"off","no_cors":true,"allow_origins":["https://a.example.com"]},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`,
			[]string{"policies[0].allow_origins: a no_cors policy grants nothing and passes requests untouched: remove allow_origins, or no_cors"}},
		{"no_cors names every setting", `{"policies":[{"name":"off","no_cors":true,"allow_credentials":true,"max_age":5,
			"mode":"shadow","expose_headers":["x-a"],"dangerously_allow_insecure_origins":true},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`,
			[]string{"policies[0].expose_headers: a no_cors", "policies[0].allow_credentials: a no_cors", "policies[0].max_age: a no_cors",
				"policies[0].mode: a no_cors", "policies[0].dangerously_allow_insecure_origins: a no_cors"}},
		{"no_cors with an empty list is still a setting", `{"policies":[{"name":"off","no_cors":true,"allow_origin_regexes":[]},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`,
			[]string{"policies[0].allow_origin_regexes: a no_cors"}},
		{"no_cors settings left at their defaults", `{"policies":[{"name":"off","no_cors":true,"allow_credentials":false,"max_age":0},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`, nil},
		{"every policy no_cors", `{"policies":[{"name":"off","no_cors":true}]}`,
			[]string{"policies: every policy is no_cors: the configuration would change nothing"}},
		{"no_cors still needs a valid match", `{"policies":[{"name":"off","no_cors":true,"match":{"paths":["export"]}},
			{"name":"p","allow_origins":["https://a.example.com"]}]}`,
			[]string{`policies[0].match.paths[0]: "export": a path starts with /`}},
		{"paths", pol(`"allow_origins":["https://a.example.com"],"match":{"paths":["/export","/a/b"],"path_prefixes":["/v1/"]}`), nil},
		{"paths empty", pol(`"allow_origins":["https://a.example.com"],"match":{"paths":[]}`),
			[]string{"policies[0].match.paths: empty list is ambiguous: leave the key out (the other path list, or every path, matches)"}},
		{"path with a query", pol(`"allow_origins":["https://a.example.com"],"match":{"paths":["/export?x=1"]}`),
			[]string{`policies[0].match.paths[0]: "/export?x=1": a path starts with / and has no query, fragment or control characters`}},
		{"unknown match key hints paths", pol(`"allow_origins":["https://a.example.com"],"match":{"path":["/export"]}`),
			[]string{`policies[0].match.path: unknown key (did you mean "paths"?)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.Load([]byte(c.config))
			if c.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Fatalf("%d errors, want %d:\n%v", len(lines), len(c.want), err)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d %q, want it to start with %q", i, lines[i], w)
				}
			}
		})
	}
}
