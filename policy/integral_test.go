package policy

import "testing"

// R24 (docs/rules.md): integer fields accept any JSON number with an integral value,
// as control planes going through protobuf's Struct print them (600.0, 6e2).
func TestIntegral(t *testing.T) {
	for _, c := range []struct {
		lit    string
		want   int
		reason string
	}{
		{"600", 600, ""},
		{"600.0", 600, ""},
		{"6e2", 600, ""},
		{"6E+2", 600, ""},
		{"60000e-2", 600, ""},
		{"0.6e3", 600, ""},
		{"600.000", 600, ""},
		{"-1", -1, ""},
		{"-1.0", -1, ""},
		{"-0", 0, ""},
		{"0e-5000", 0, ""},
		{"0.0", 0, ""},
		{"2147483647", 2147483647, ""},
		{"-2147483648", -2147483648, ""},
		{"600.5", 0, "expected an integer, found a fraction"},
		{"600.0000000000000001", 0, "expected an integer, found a fraction"}, // a float64 would round it to 600
		{"6005e-1", 0, "expected an integer, found a fraction"},
		{"1e-5000", 0, "expected an integer, found a fraction"},
		{"2147483648", 0, "out of range: expected an integer between -2147483648 and 2147483647"},
		{"1e10", 0, "out of range: expected an integer between -2147483648 and 2147483647"},
		{"1e5000", 0, "out of range: expected an integer between -2147483648 and 2147483647"},
		{"99999999999999999999999", 0, "out of range: expected an integer between -2147483648 and 2147483647"},
	} {
		t.Run(c.lit, func(t *testing.T) {
			got, reason := integral(c.lit)
			if got != c.want || reason != c.reason {
				t.Fatalf("integral(%s) = %d, %q; want %d, %q", c.lit, got, reason, c.want, c.reason)
			}
		})
	}
}

func TestIntegralFieldsDecode(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"policies":[{"name":"p","allow_origins":["https://a.example.com"],"max_age":6e2,"preflight_status":204.0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Policies[0]; p.MaxAge != 600 || p.PreflightStatus != 204 {
		t.Fatalf("max_age %d, preflight_status %d; want 600, 204", p.MaxAge, p.PreflightStatus)
	}
}
