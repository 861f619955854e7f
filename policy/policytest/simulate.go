package policytest

import (
	"sort"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Simulate is the reference for how a filter applies a decision: the local
// reply, or the upstream's response with the decision's headers applied. The
// filter implements the same with host calls; both must meet the same Want.
func Simulate(d *policy.Decision, upstream [][2]string) (status int, headers [][2]string, upstreamCalled bool) {
	if d.Reply {
		for _, f := range d.Fields() {
			headers = append(headers, [2]string{f.Name, f.Value})
		}
		return d.Status, headers, false
	}
	headers = append(headers, upstream...)
	if !d.Respond {
		return 200, headers, true
	}
	if d.StripUpstream {
		stripped := policy.StrippedHeaders()
		headers = removeLines(headers, stripped[:]...)
	}
	for _, f := range d.Fields() {
		// One line per header (invariant I3, docs/rules.md): the filter's value replaces any.
		headers = append(removeLines(headers, f.Name), [2]string{f.Name, f.Value})
	}
	if d.VaryOrigin && !VaryCovers(headers, "origin") {
		headers = append(headers, [2]string{"vary", "Origin"})
	}
	return 200, headers, true
}

func removeLines(h [][2]string, names ...string) [][2]string {
	out := h[:0:0]
	for _, l := range h {
		keep := true
		for _, n := range names {
			if strings.EqualFold(l[0], n) {
				keep = false
			}
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

// VaryCovers reports whether the Vary lines already name token (or "*").
func VaryCovers(h [][2]string, token string) bool {
	for _, l := range h {
		if !strings.EqualFold(l[0], "vary") {
			continue
		}
		for _, t := range strings.Split(l[1], ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.EqualFold(t, token) {
				return true
			}
		}
	}
	return false
}

// Normalize keeps the CORS-relevant lines (access-control-*, vary,
// x-cors-reason) as sorted "name: value" strings, with every Vary line merged
// into one sorted, lowercased token list, so outcomes compare across layers
// whether Vary was merged in one line or appended as another.
func Normalize(h [][2]string) []string {
	var out, vary []string
	for _, l := range h {
		name := strings.ToLower(l[0])
		switch {
		case name == "vary":
			for _, t := range strings.Split(l[1], ",") {
				if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
					vary = append(vary, t)
				}
			}
		case strings.HasPrefix(name, "access-control-") || name == "x-cors-reason":
			out = append(out, name+": "+l[1])
		}
	}
	if len(vary) > 0 {
		sort.Strings(vary)
		out = append(out, "vary: "+strings.Join(vary, ", "))
	}
	sort.Strings(out)
	return out
}
