package policy

import (
	"reflect"
	"slices"
	"testing"
)

// AddHeader must record exactly its names (compared byte-exact, in 8-byte
// words for the long ones), and HeaderNames must list every one a set reads.
func TestRequestLineNames(t *testing.T) {
	recorded := []string{"host", ":path", "origin", ":method", ":authority", "access-control-request-method",
		"access-control-request-headers", "access-control-request-private-network"}
	others := []string{"", "hosT", "ost", ":pat", "origen", "Origin", ":scheme", ":methoD", "accept", "user-agent",
		"x-origin", "access-control-request-methox", "xccess-control-request-method", "access-control-allow-origin",
		"access-control-request-headerz", "access-control-request-private-networx", "content-type",
		"access-control-request-mEthod", "access-control-requesT-headers", "access-Control-request-private-network"}
	for _, c := range []struct {
		names []string
		want  bool
	}{{recorded, true}, {others, false}} {
		for _, name := range c.names {
			var r Request
			r.AddHeader(name, "v")
			if got := !reflect.DeepEqual(r, Request{}); got != c.want {
				t.Errorf("%q recorded: %v, want %v (%+v)", name, got, c.want, r)
			}
		}
	}
	routed, err := Load([]byte(`{"policies":[{"name":"p","match":{"hosts":["a.example"]},"allow_origins":["https://a.example"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := routed.HeaderNames(); !sameSet(got, recorded) {
		t.Errorf("routed set reads %q, want %q", got, recorded)
	}
	plain, err := Load([]byte(`{"policies":[{"name":"p","allow_origins":["https://a.example"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.HeaderNames(); slices.Contains(got, "host") || slices.Contains(got, ":path") || len(got) != 5 {
		t.Errorf("set without routes reads %q", got)
	}
	var r Request
	r.AddHeader("origin", "https://a.example")
	r.AddHeader("origen", "x")
	r.AddHeader(":method", "OPTIONS")
	r.AddHeader("access-control-request-method", "PUT")
	if r.Origin != "https://a.example" || r.Origins != 1 || r.Method != "OPTIONS" || r.ACRM != "PUT" {
		t.Errorf("request %+v", r)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Reset must leave a used Request equal to a new one (but for the ACRH
// slice's capacity): Request's fields are reset one by one.
func TestRequestReset(t *testing.T) {
	var r Request
	for _, l := range [][2]string{{":method", "OPTIONS"}, {":authority", "a.example"}, {":path", "/x"}, {"origin", "o"},
		{"origin", "p"}, {"access-control-request-method", "PUT"}, {"access-control-request-method", "GET"},
		{"access-control-request-private-network", "true"}, {"access-control-request-private-network", "true"}} {
		r.AddHeader(l[0], l[1])
	}
	for i := 0; i <= MaxACRHElements+1; i++ {
		r.AddHeader("access-control-request-headers", "x")
	}
	r.Reset()
	r.ACRH = nil
	if !reflect.DeepEqual(r, Request{}) {
		t.Fatalf("after Reset: %+v", r)
	}
}
