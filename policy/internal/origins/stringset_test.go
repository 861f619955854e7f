package origins

import (
	"strconv"
	"testing"
)

// Both sets, as each build uses one of them.
func TestStringSet(t *testing.T) {
	t.Run("hash", func(t *testing.T) { testSet(t, &hashSet{}) })
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
	if f, ok := s.(*hashSet); ok && (f.n != 5000 || len(f.slots) < 2*f.n) {
		t.Errorf("n %d, %d slots", f.n, len(f.slots))
	}
}

// A handful of patterns are compared in place; the answer must be the one
// the label-wise map lookups give.
func TestPatternListMatchesLookups(t *testing.T) {
	patterns := []string{"https://*.example.com", "http://localhost:*", "https://*.a.b.example.org:8443",
		"https://*.tenants.example.net:*", "http://127.0.0.1:*"}
	var list Matcher
	for _, raw := range patterns {
		p, problem := ParsePattern(raw)
		if problem != "" {
			t.Fatalf("%s: %s", raw, problem)
		}
		list.Add(p, raw)
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

// has (hashing and comparing in its own body) must answer as a map would, for
// strings of every length around the 8-byte words it compares.
func FuzzHashSet(f *testing.F) {
	var set hashSet
	ref := map[string]bool{}
	for _, s := range []string{"a", "abcdefg", "abcdefgh", "abcdefghi", "https://a.example", "https://app.example.com",
		"https://app.example.co1", "0123456789abcdef", "0123456789abcdefg", "null"} {
		set.add(s)
		ref[s] = true
	}
	for s := range ref {
		f.Add(s)
		f.Add(s[:len(s)-1])
		f.Add(s + "x")
		b := []byte(s)
		b[len(b)/2] ^= 1
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, found := set.has(s), set.find(s); got != ref[s] || found != ref[s] {
			t.Fatalf("%q: has %v, find %v, want %v", s, got, found, ref[s])
		}
	})
}
