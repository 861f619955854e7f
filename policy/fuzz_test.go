package policy_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/internal/regextable"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// FuzzDecide builds random configurations and requests and checks every
// decision against the invariants of docs/rules.md, and the origin matcher
// against a naive reference (a linear scan with net/url), so a clever data
// structure cannot quietly allow what the list does not (GHSA-vhxv-fg4m-p2w8).
func FuzzDecide(f *testing.F) {
	for _, c := range policytest.Cases {
		r := c.Request()
		acrh := strings.Join(r.ACRH, "\n")
		if len(acrh) > 2*policy.MaxACRHBytes {
			// Still over the limit; a megabyte seed would stall the mutator.
			acrh = acrh[:2*policy.MaxACRHBytes]
		}
		f.Add("https://app.example.com https://*.example.org http://localhost:*", r.Method, r.Origin, r.ACRM, acrh, uint8(0), r.ACRPN)
	}
	f.Add("https://foo.com https://bar.com", "GET", "https://barfoo.com", "", "", uint8(1), "")
	f.Add("https://*.foo.com", "GET", "https://a.barfoo.com", "", "", uint8(0), "")
	f.Add("https://*.example.com:*", "OPTIONS", "https://a.example.com:1", "PUT", "a,b", uint8(0xff), "true")
	f.Fuzz(func(t *testing.T, origins, method, origin, acrm, acrh string, flags uint8, acrpn string) {
		pc := policy.PolicyConfig{
			Name:                "fuzz",
			AllowOrigins:        strings.Fields(origins),
			AllowCredentials:    flags&1 != 0,
			AllowPrivateNetwork: flags&8 != 0,
		}
		if flags&2 != 0 {
			pc.AllowMethods = []string{"*"}
		} else {
			pc.AllowMethods = []string{"PUT", "PATCH"}
		}
		if flags&4 != 0 {
			pc.AllowHeaders = []string{"*"}
		} else {
			pc.AllowHeaders = []string{"content-type", "x-a"}
		}
		if flags&16 != 0 {
			pc.OnDisallowedOrigin = "reject"
		}
		set, err := policy.Compile(&policy.Config{Policies: []policy.PolicyConfig{pc}, DebugHeaders: flags&32 != 0})
		if err != nil {
			return // refused configurations are TestCompileRefuses's business
		}
		r := &policy.Request{Method: method, Authority: "api.example.com", Path: "/", Origin: origin, Origins: 1,
			ACRM: acrm, HasACRM: acrm != "" || flags&64 != 0, ACRPN: acrpn, HasACRPN: acrpn != ""}
		if acrh != "" {
			r.ACRH = strings.Split(acrh, "\n")
		}
		var d policy.Decision
		set.Decide(r, &d)
		if v := invariantViolation(r, &d, false); v != "" {
			t.Fatalf("invariant %s\nconfig %q\nrequest %+v\nfields %q", v, origins, r, d.Fields())
		}
		allowAll := len(pc.AllowOrigins) == 1 && pc.AllowOrigins[0] == "*"
		// R6: a value with a comma is several origins joined, refused even by "*".
		naive := allowAll && !strings.Contains(origin, ",") || naiveAllowed(pc.AllowOrigins, origin)
		originOK := d.Allowed || d.Reason != policy.ReasonOrigin && d.Detail != policy.DetailOriginTooLong
		if len(origin) <= policy.MaxOriginBytes && originOK != naive {
			t.Fatalf("origin %q with %q: engine allowed=%v (reason %v), naive reference %v", origin, origins, originOK, d.Reason, naive)
		}
		// Invariant 7: the same request again gives the same answer.
		var again policy.Decision
		set.Decide(r, &again)
		if !sameDecision(&d, &again) {
			t.Fatalf("decision not deterministic")
		}
	})
}

// naiveAllowed is the reference matcher: a linear scan, parsing with net/url.
func naiveAllowed(patterns []string, origin string) bool {
	for _, p := range patterns {
		if p == origin {
			return true
		}
		if !strings.Contains(p, "*") {
			continue
		}
		u, err := url.Parse(origin)
		if err != nil || u.Scheme+"://"+u.Host != origin || u.User != nil || u.Opaque != "" {
			continue
		}
		host, port := u.Hostname(), u.Port()
		if strings.HasSuffix(u.Host, ":") {
			continue // an empty port is not a serialized origin
		}
		if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port) {
			continue // browsers send ports 1-65535 in shortest decimal form
		}
		if strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" && !strings.HasPrefix(u.Host, "[") {
			continue // browsers serialize hosts in lowercase LDH form
		}
		if strings.HasPrefix(u.Host, "[") {
			host = "[" + host + "]"
		}
		pu := strings.SplitN(p, "://", 2)
		if len(pu) != 2 || pu[0] != u.Scheme {
			continue
		}
		phost, pport := pu[1], ""
		if i := strings.LastIndex(phost, ":"); i >= 0 && !strings.HasSuffix(phost, "]") {
			phost, pport = phost[:i], phost[i+1:]
		}
		if pport != "*" && pport != port {
			continue
		}
		if strings.HasPrefix(phost, "*.") {
			suffix := phost[1:] // ".example.com"
			labels := strings.TrimSuffix(host, suffix)
			if strings.HasSuffix(host, suffix) && labels != "" && !slices.Contains(strings.Split(labels, "."), "") {
				return true
			}
			continue
		}
		if phost == host {
			return true
		}
	}
	return false
}

// The decision fuzz also runs the real JSON path: any configuration the
// decoder accepts either compiles or is refused with errors, never a panic or
// a half-built Set.
func FuzzLoad(f *testing.F) {
	for _, cfg := range policytest.Configs {
		f.Add([]byte(cfg))
	}
	f.Add([]byte(policyAllOptions))
	rows, err := regextable.Rows()
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range rows {
		f.Add([]byte(regextable.Config(r.Expr, r.Creds)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := policy.Load(data)
		if (set == nil) == (err == nil) {
			t.Fatalf("Load returned set=%v err=%v", set != nil, err)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if line == "" || strings.ContainsAny(line, "\r\x00") {
					t.Fatalf("bad error line %q", line)
				}
			}
			return
		}
		// What compiled must have been valid JSON.
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON")
		}
	})
}
