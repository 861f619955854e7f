package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// where is an error's kind and structured location, as a test expects it.
type where struct {
	kind   policy.ErrorKind
	policy int
	field  string
	elem   int
	rest   string
	path   string // what Path derives from the fields
}

// Every kind of configuration error carries its kind and its location in
// fields, and the JSON path is derived from them.
func TestErrorKindsAndLocations(t *testing.T) {
	cases := []struct {
		name, config string
		want         []where
	}{
		{"syntax", `{"policies":[}`, []where{{policy.BadSyntax, 0, "", -1, "", "policies[0]"}}},
		{"syntax at the root", `{"policies":[]} x`, []where{{policy.BadSyntax, -1, "", -1, "", "(root)"}}},
		{"empty document", ``, []where{{policy.BadSyntax, -1, "", -1, "", "(root)"}}},
		{"unknown top-level key", `{"policies":[{"name":"p","allow_origins":["https://a.example.com"]}],"x":1}`,
			[]where{{policy.UnknownKey, -1, "x", -1, "", "x"}}},
		{"unknown key that needs quoting", pol(`"allow_origins":["https://a.example.com"],"a b":1`),
			[]where{{policy.UnknownKey, 0, `["a b"]`, -1, "", `policies[0]["a b"]`}}},
		{"unknown key in match", pol(`"allow_origins":["https://a.example.com"],"match":{"host":["a.example.com"]}`),
			[]where{{policy.UnknownKey, 0, "match.host", -1, "", "policies[0].match.host"}}},
		{"wrong type of an element", pol(`"allow_origins":["https://a.example.com",1]`),
			[]where{{policy.WrongType, 0, "allow_origins", 1, "", "policies[0].allow_origins[1]"}}},
		{"wrong type of the document", `[]`, []where{{policy.WrongType, -1, "", -1, "", "(root)"}}},
		{"fraction", pol(`"allow_origins":["https://a.example.com"],"max_age":1.5`),
			[]where{{policy.WrongType, 0, "max_age", -1, "", "policies[0].max_age"}}},
		{"duplicate key deep in a value", pol(`"allow_origins":[{"a":1,"a":2}]`),
			[]where{{policy.Duplicate, 0, "allow_origins", 0, ".a", "policies[0].allow_origins[0].a"}}},
		{"duplicate key in a root array", `[{"a":1,"a":2}]`,
			[]where{{policy.Duplicate, -1, "", 0, ".a", "(root)[0].a"}}},
		{"duplicate policy name", `{"policies":[{"name":"p","allow_origins":["https://a.example.com"]},{"name":"p","allow_origins":["https://a.example.com"]}]}`,
			[]where{{policy.Duplicate, 1, "name", -1, "", "policies[1].name"}}},
		{"duplicate origin", pol(`"allow_origins":["https://a.example.com","https://a.example.com"]`),
			[]where{{policy.Duplicate, 0, "allow_origins", 1, "", "policies[0].allow_origins[1]"}}},
		{"missing policies", `{"debug_headers":true}`, []where{{policy.Missing, -1, "policies", -1, "", "policies"}}},
		{"missing name", `{"policies":[{"allow_origins":["https://a.example.com"]}]}`,
			[]where{{policy.Missing, 0, "name", -1, "", "policies[0].name"}}},
		{"no origin at all", pol(`"allow_methods":["GET"]`), []where{{policy.Missing, 0, "", -1, "", "policies[0]"}}},
		{"max_age out of range", pol(`"allow_origins":["https://a.example.com"],"max_age":99999`),
			[]where{{policy.OutOfRange, 0, "max_age", -1, "", "policies[0].max_age"}}},
		{"integer beyond 32 bits", pol(`"allow_origins":["https://a.example.com"],"max_age":1e10`),
			[]where{{policy.OutOfRange, 0, "max_age", -1, "", "policies[0].max_age"}}},
		{"name too long", `{"policies":[{"name":"` + strings.Repeat("n", 65) + `","allow_origins":["https://a.example.com"]}]}`,
			[]where{{policy.OverLimit, 0, "name", -1, "", "policies[0].name"}}},
		{"nested too deep", `{"policies":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
			[]where{{policy.OverLimit, 0, "", -1, strings.Repeat("[0]", 30), "policies[0]" + strings.Repeat("[0]", 30)}}},
		{"no_cors with a grant", pol(`"no_cors":true,"allow_origins":["https://a.example.com"]`),
			[]where{{policy.Conflict, 0, "allow_origins", -1, "", "policies[0].allow_origins"}, {policy.Conflict, -1, "policies", -1, "", "policies"}}},
		{"star method with others", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["*","GET"]`),
			[]where{{policy.Conflict, 0, "allow_methods", 0, "", "policies[0].allow_methods[0]"}}},
		{"bad choice", pol(`"allow_origins":["https://a.example.com"],"mode":"audit"`),
			[]where{{policy.InvalidValue, 0, "mode", -1, "", "policies[0].mode"}}},
		{"host with a port", pol(`"allow_origins":["https://a.example.com"],"match":{"hosts":["a.example.com","b.example.com:443"]}`),
			[]where{{policy.InvalidValue, 0, "match.hosts", 1, "", "policies[0].match.hosts[1]"}}},
		{"empty list", pol(`"allow_origins":["https://a.example.com"],"match":{"paths":[]}`),
			[]where{{policy.InvalidValue, 0, "match.paths", -1, "", "policies[0].match.paths"}}},
		{"invalid origin", pol(`"allow_origins":["https://a.example.com/"]`),
			[]where{{policy.InvalidOrigin, 0, "allow_origins", 0, "", "policies[0].allow_origins[0]"}}},
		{"star with credentials", pol(`"allow_origins":["*"],"allow_credentials":true`),
			[]where{{policy.UnsafeOrigin, 0, "allow_origins", 0, "", "policies[0].allow_origins[0]"}}},
		{"wildcard over a public suffix", pol(`"allow_origins":["https://*.com"]`),
			[]where{{policy.UnsafeOrigin, 0, "allow_origins", 0, "", "policies[0].allow_origins[0]"}}},
		{"null origin", pol(`"allow_origins":["null"]`),
			[]where{{policy.UnsafeOrigin, 0, "allow_origins", 0, "", "policies[0].allow_origins[0]"}}},
		{"unsafe regex", pol(`"allow_origin_regexes":["^https://.*example\\.com$"]`),
			[]where{{policy.BadRegex, 0, "allow_origin_regexes", 0, "", "policies[0].allow_origin_regexes[0]"}}},
		{"invalid regex", pol(`"allow_origins":["https://a.example.com"],"allow_origin_regexes":["("]`),
			[]where{{policy.BadRegex, 0, "allow_origin_regexes", 0, "", "policies[0].allow_origin_regexes[0]"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.Load([]byte(c.config))
			var errs policy.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v is not policy.Errors", err)
			}
			if len(errs) != len(c.want) {
				t.Fatalf("got %d errors:\n%v\nwant %d", len(errs), err, len(c.want))
			}
			for i, w := range c.want {
				e := errs[i]
				got := where{e.Kind, e.Policy, e.Field, e.Elem, e.Rest, e.Path()}
				if got != w {
					t.Errorf("error %d (%v):\n got  %+v\n want %+v", i, e, got, w)
				}
				if msg := e.Error(); len(msg) < len(w.path)+2 || msg[:len(w.path)+2] != w.path+": " {
					t.Errorf("message %q does not start with its path %q", msg, w.path)
				}
			}
		})
	}
}

// A syntax error carries the byte offset its message names; other errors none.
func TestErrorOffset(t *testing.T) {
	cases := []struct {
		name, config string
		offset       int
	}{
		{"missing value", `{"policies":}`, 12},
		{"trailing garbage", `{"policies":[]} x`, 16},
		{"invalid UTF-8", "{\"policies\":[\"\xff\"]}", 14},
		{"not a syntax error", `{"debug_headers":true}`, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.Load([]byte(c.config))
			var errs policy.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %v is not policy.Errors", err)
			}
			if errs[0].Offset != c.offset {
				t.Errorf("offset %d, want %d (%v)", errs[0].Offset, c.offset, errs[0])
			}
		})
	}
}

func TestErrorKindString(t *testing.T) {
	cases := []struct {
		name string
		kind policy.ErrorKind
		want string
	}{
		{"first", policy.BadSyntax, "syntax"},
		{"two words", policy.UnsafeOrigin, "unsafe origin"},
		{"last", policy.BadRegex, "regex"},
		{"out of the enum", policy.ErrorKind(200), "ErrorKind(200)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.kind.String(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
