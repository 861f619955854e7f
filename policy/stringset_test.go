package policy

import (
	"strconv"
	"testing"
)

// Both sets, as each build uses one of them.
func TestStringSet(t *testing.T) {
	t.Run("fnv", func(t *testing.T) { testSet(t, &fnvSet{}) })
	t.Run("map", func(t *testing.T) { testSet(t, &mapSet{}) })
}

type set interface {
	has(string) bool
	add(string) bool
}

func testSet(t *testing.T, s set) {
	if s.has("a") {
		t.Fatal("empty set has a")
	}
	for i := 0; i < 5000; i++ {
		if !s.add("https://app" + strconv.Itoa(i) + ".example.com") {
			t.Fatalf("%d not new", i)
		}
	}
	if s.add("https://app7.example.com") {
		t.Fatal("duplicate added")
	}
	for i := 0; i < 5000; i++ {
		if !s.has("https://app" + strconv.Itoa(i) + ".example.com") {
			t.Fatalf("%d missing", i)
		}
	}
	for _, absent := range []string{"", "https://app5000.example.com", "https://app7.example.co", "https://app7.example.comx"} {
		if s.has(absent) {
			t.Errorf("has %q", absent)
		}
	}
	if f, ok := s.(*fnvSet); ok && (f.n != 5000 || len(f.slots) < 2*f.n) {
		t.Errorf("n %d, %d slots", f.n, len(f.slots))
	}
}

// A handful of patterns are compared in place; the answer must be the one
// the label-wise map lookups give.
func TestPatternListMatchesLookups(t *testing.T) {
	patterns := []string{"https://*.example.com", "http://localhost:*", "https://*.a.b.example.org:8443",
		"https://*.tenants.example.net:*", "http://127.0.0.1:*"}
	var list originMatcher
	for _, raw := range patterns {
		p, problem := parseOriginPattern(raw)
		if problem != "" {
			t.Fatalf("%s: %s", raw, problem)
		}
		list.add(p, raw)
	}
	if list.patternList == nil {
		t.Fatal("no pattern list")
	}
	lookups := list
	lookups.patternList = nil
	origins := []string{"https://x.example.com", "https://x.y.example.com", "https://example.com", "https://.example.com",
		"https://xexample.com", "http://x.example.com", "http://localhost", "http://localhost:3000", "https://localhost:1",
		"https://c.a.b.example.org:8443", "https://c.a.b.example.org", "https://a.b.example.org:8443",
		"https://t.tenants.example.net:1", "https://t.tenants.example.net", "http://127.0.0.1:80", "http://127.0.0.2:80",
		"https://x.example.com:443", "null", "https://x..example.com", "https://X.example.com"}
	for _, o := range origins {
		if a, b := list.matchPattern(o), lookups.matchPattern(o); a != b {
			t.Errorf("%s: in place %v, lookups %v", o, a, b)
		}
	}
}
