package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// printRequest echoes the request explain decided on, escaped.
func printRequest(w io.Writer, lines [][2]string) {
	fmt.Fprintln(w, "request:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %s: %s\n", l[0], printable(l[1]))
	}
}

// printDecision says what the plugin does with the request and its response.
// hasOrigin says whether the request carries an Origin: a request no policy
// covers moves the plugin-wide counter only then (filter/stream.go).
func printDecision(w io.Writer, d *policy.Decision, hasOrigin bool) {
	if d.Policy < 0 {
		fmt.Fprintln(w, "policy: none (no policy's match fits this host and path, or the first that fits is no_cors)")
		if hasOrigin {
			fmt.Fprintf(w, "counter: %s\n", metricNames(policy.NoPolicyCounter))
		}
		fmt.Fprintln(w, "action: pass the request and its response untouched")
		return
	}
	fmt.Fprintf(w, "policy: %s (policies[%d])\n", d.Name, d.Policy)
	fmt.Fprintf(w, "kind: %s\n", d.Kind)
	if d.Allowed {
		fmt.Fprintln(w, "allowed: yes")
	} else {
		fmt.Fprintln(w, "allowed: no")
		fmt.Fprintf(w, "reason: %s\n", d.Reason)
		fmt.Fprintf(w, "detail: %s\n", d.AppendDetail(nil))
	}
	fmt.Fprintf(w, "counter: %s\n", metricNames(policy.CounterName(d.Name, d.Counter)))
	switch {
	case d.Shadow:
		fmt.Fprintf(w, "mode: shadow (would reject: %s); nothing is changed\n", yesNo(d.WouldReject))
		fmt.Fprintln(w, "action: pass the request and its response untouched")
		return
	case d.Reply:
		fmt.Fprintf(w, "action: reply %d from the proxy; the upstream is not called\n", d.Status)
	case d.Respond:
		fmt.Fprintln(w, "action: forward to the upstream, then write these headers on its response")
	default:
		fmt.Fprintln(w, "action: forward to the upstream; its response is untouched")
		return
	}
	fmt.Fprintln(w, "headers:")
	if len(d.Fields()) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, f := range d.Fields() {
		fmt.Fprintf(w, "  %s: %s\n", f.Name, printable(f.Value))
	}
	if d.Respond {
		var notes []string
		if d.StripUpstream {
			notes = append(notes, "the upstream's access-control-* headers are removed first")
		}
		if d.VaryOrigin {
			notes = append(notes, "Origin is merged into the upstream's Vary")
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, "upstream response: %s\n", strings.Join(notes, "; "))
		}
	}
}

// metricNames is a counter's name as Envoy shows it: in /stats, custom
// metrics of a Wasm plugin carry the wasmcustom. prefix
// (source/extensions/common/wasm/context.cc, Context::defineMetric); in
// /stats/prometheus the custom namespace is dropped and every character
// Prometheus does not allow becomes _ (source/server/admin/prometheus_stats.cc).
func metricNames(name string) string {
	prom := []byte(name)
	for i, c := range prom {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':') {
			prom[i] = '_'
		}
	}
	return "wasmcustom." + name + " (Prometheus: " + string(prom) + ")"
}

// printable escapes a value that would garble the terminal; plain values
// are shown as they are sent.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
