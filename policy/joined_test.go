package policy_test

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Envoy joins repeated Origin and Access-Control-Request-Headers lines into
// one value with a bare "," before the plugin sees them (envoy
// source/common/http/header_map_impl.cc appendToHeader; both headers are
// inline, registered by source/extensions/filters/http/cors/cors_filter.cc).
// Every table case with repeated lines must be decided the same (kind,
// outcome, reason, status, counter) when its lines arrive joined; only the
// detail in logs may say which limit tripped first.
func TestRepeatedLinesDecideAsJoined(t *testing.T) {
	joinedCases := 0
	for _, c := range policytest.Cases {
		lines := c.RequestHeaders()
		joined, changed := joinRepeated(lines, "origin", "access-control-request-headers")
		if !changed {
			continue
		}
		joinedCases++
		t.Run(c.Name, func(t *testing.T) {
			set, err := policy.Load([]byte(policytest.Configs[c.Config]))
			if err != nil {
				t.Fatal(err)
			}
			var a, b policy.Decision
			var r policy.Request
			decide := func(lines [][2]string, d *policy.Decision) {
				r.Reset()
				for _, l := range lines {
					r.AddHeader(l[0], l[1])
				}
				set.Decide(&r, d)
			}
			decide(lines, &a)
			decide(joined, &b)
			if a.Kind != b.Kind || a.Allowed != b.Allowed || a.Reason != b.Reason ||
				a.Reply != b.Reply || a.Status != b.Status || a.Counter != b.Counter {
				t.Errorf("lines: %v %v %v/%v status %d; joined: %v %v %v/%v status %d",
					a.Kind, a.Allowed, a.Reason, a.Detail, a.Status, b.Kind, b.Allowed, b.Reason, b.Detail, b.Status)
			}
		})
	}
	if joinedCases < 3 {
		t.Fatalf("only %d table cases repeat Origin or ACRH lines", joinedCases)
	}
}

// joinRepeated returns lines with every line of each name joined into its
// first with ",", as Envoy's codec does for inline headers.
func joinRepeated(lines [][2]string, names ...string) ([][2]string, bool) {
	var out [][2]string
	changed := false
	at := map[string]int{}
	for _, l := range lines {
		name := strings.ToLower(l[0])
		inline := false
		for _, n := range names {
			inline = inline || n == name
		}
		if i, seen := at[name]; inline && seen {
			if l[1] != "" {
				if out[i][1] != "" {
					out[i][1] += ","
				}
				out[i][1] += l[1]
			}
			changed = true
			continue
		}
		at[name] = len(out)
		out = append(out, [2]string{name, l[1]})
	}
	return out, changed
}
