package policy_test

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/cors-wasm/cors-wasm/policy"
)

// The refused value is named escaped (controls, quotes, non-ASCII, invalid
// UTF-8) and bounded, whatever the request holds.
func TestAppendDetailEscapesAndBounds(t *testing.T) {
	set, err := policy.Load([]byte(`{"policies":[{"name":"p","allow_origins":["https://app.example.com"],"allow_methods":["PUT"],"allow_headers":["x-ok"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	long := "x-" + strings.Repeat("b", 100)
	cases := []struct {
		name         string
		origin, acrm string
		acrh         []string
		want         string
	}{
		{"log injection in the origin", "https://evil.test\r\n[info] forged", "PUT", nil,
			`origin: origin not allowed: "https://evil.test\r\n[info] forged"`},
		{"control byte and invalid UTF-8 in the method", "https://app.example.com", "P\x00\xff", nil,
			`method: requested method is not a token: "P\x00\xff"`},
		{"header name cut at 64 bytes", "https://app.example.com", "PUT", []string{"x-ok, " + long},
			`headers: a requested header is not allowed: "` + long[:policy.MaxRefusedBytes] + `"...`},
		{"a cut rune is escaped, not kept", "https://app.example.com", "PUT", []string{"x-ok,x" + strings.Repeat("é", 40)},
			`headers: a requested header name is malformed or too long: "x` + strings.Repeat(`\u00e9`, 31) + `\xc3"...`},
		{"exactly 64 bytes is not cut", "https://app.example.com", "PUT", []string{long[:64]},
			`headers: a requested header is not allowed: "` + long[:64] + `"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &policy.Request{Method: "OPTIONS", Origin: c.origin, Origins: 1, ACRM: c.acrm, HasACRM: true, ACRH: c.acrh}
			var d policy.Decision
			set.Decide(r, &d)
			got := string(d.AppendDetail(nil))
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			for _, b := range []byte(got) {
				if b < 0x20 || b > 0x7e {
					t.Fatalf("byte %#x is not printable ASCII in %q", b, got)
				}
			}
		})
	}
}

// The refused value is a copy: a proxy reusing the request's memory after
// Decide (CVE-2023-35943) does not change what the log line says.
func TestRefusedValueIsACopy(t *testing.T) {
	set, err := policy.Load([]byte(`{"policies":[{"name":"p","allow_origins":["https://app.example.com"],"allow_headers":["x-ok"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	mem := []byte("x-ok,x-evil")
	r := &policy.Request{Method: "OPTIONS", Origin: "https://app.example.com", Origins: 1, ACRM: "GET", HasACRM: true,
		ACRH: []string{unsafe.String(&mem[0], len(mem))}}
	var d policy.Decision
	set.Decide(r, &d)
	copy(mem, "zzzzzzzzzzz")
	if v, cut, named := d.Refused(); v != "x-evil" || cut || !named {
		t.Fatalf("Refused() = %q, %v, %v; want x-evil, false, true", v, cut, named)
	}
	// An allowed request names nothing, even after a rejection in the same Decision.
	r.ACRH = []string{"x-ok"}
	set.Decide(r, &d)
	if v, _, named := d.Refused(); named || v != "" {
		t.Fatalf("allowed request names %q", v)
	}
}
