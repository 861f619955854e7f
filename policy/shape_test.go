package policy_test

import (
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Every local reply with a shape has exactly the shape's lines, the request's
// Origin filled in; replies whose lines depend on more than the Origin have
// none; and every other local reply has one (the filter sends those from
// lines it encoded at configure time).
func TestReplyShapes(t *testing.T) {
	shaped := 0
	for _, c := range policytest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			set, err := policy.Load([]byte(policytest.Configs[c.Config]))
			if err != nil {
				t.Fatal(err)
			}
			r := c.Request()
			var d policy.Decision
			set.Decide(r, &d)
			id := d.Shape()
			echoes := false // may echo a request value besides Origin
			for _, f := range d.Fields() {
				echoes = echoes || f.Name == "x-cors-reason" ||
					f.Name == "access-control-allow-methods" && f.Value == r.ACRM ||
					f.Name == "access-control-allow-headers" && len(r.ACRH) > 0
			}
			switch {
			case id == 0 && d.Reply && !echoes:
				t.Fatalf("a local reply without a shape: %q", d.Fields())
			case id == 0:
				return
			case !d.Reply:
				t.Fatalf("shape %d without a local reply", id)
			case id > set.Shapes():
				t.Fatalf("shape %d of %d", id, set.Shapes())
			}
			sh := set.Shape(id)
			want := slices.Clone(sh.Fields)
			if sh.Origin >= 0 {
				if want[sh.Origin].Value != "" {
					t.Fatalf("shape's Origin line has a value: %q", want[sh.Origin])
				}
				want[sh.Origin].Value = r.Origin
			}
			if !slices.Equal(d.Fields(), want) {
				t.Fatalf("reply lines %q, shape %d %q", d.Fields(), id, want)
			}
			if sh.Origin >= 0 && d.AllowOrigin() != r.Origin {
				t.Fatalf("AllowOrigin %q, want %q", d.AllowOrigin(), r.Origin)
			}
			shaped++
		})
	}
	if shaped < 10 {
		t.Fatalf("only %d table cases have shaped replies", shaped)
	}
}
