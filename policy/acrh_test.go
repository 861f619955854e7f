package policy

import (
	"strings"
	"testing"
)

// listedHeaders (checkHeaders for a policy that lists its headers) must
// answer every Access-Control-Request-Headers value as parseHeaders (the
// element by element parse that echoing policies need) does: the same
// detail, naming the same element.
func FuzzListedHeaders(f *testing.F) {
	for _, seed := range []string{
		"", "content-type", "content-type,x-request-id", "Content-Type, X-Request-ID", " content-type ,\tx-request-id\t",
		"content-type,x-forbidden", "content-types", "content-typ", "x-a,x-ab", "x-ab,x-a", "x-a x-ab", ",,,",
		"content-type\x00", "x-request-idx", "X-REQUEST-ID", "x-request-id,,", strings.Repeat("x-a,", 70),
		"content-type,x-requesT-id", "authorization", "CONTENT_TYPE", "content-type\n",
	} {
		f.Add(seed, "")
		f.Add(seed, "x-a")
	}
	// Each listed name with one byte's 0x20 bit flipped: a letter changes
	// case (still the name), anything else becomes another byte (not).
	for _, name := range []string{"content-type", "x-request-id", "x-very-long-header-name-of-forty-bytes", "x-ab"} {
		for i := range name {
			b := []byte(name)
			b[i] ^= 0x20
			f.Add(string(b), "")
			f.Add("a,"+string(b)+",x-a", "")
		}
	}
	configs := []string{
		`{"policies":[{"name":"p","allow_origins":["https://a.example"],"allow_headers":["content-type","x-request-id","x-a","x-ab"]}]}`,
		`{"policies":[{"name":"p","allow_origins":["https://a.example"],"allow_headers":["X-Request-ID","authorization","a","x-very-long-header-name-of-forty-bytes"]}]}`,
		`{"policies":[{"name":"p","allow_origins":["https://a.example"]}]}`,
	}
	sets := make([]*Set, len(configs))
	for i, c := range configs {
		s, err := Load([]byte(c))
		if err != nil {
			f.Fatal(err)
		}
		sets[i] = s
	}
	f.Fuzz(func(t *testing.T, line, second string) {
		r := &Request{ACRH: []string{line}}
		if second != "" {
			r.ACRH = append(r.ACRH, second)
		}
		total := len(line) + len(second)
		if total > MaxACRHBytes {
			return // refused before either path
		}
		for i, s := range sets {
			p := s.policies[0]
			var slow, fast Decision
			slow.reset()
			fast.reset()
			acah, want := s.parseHeaders(p, r, &slow)
			got := p.listedHeaders(r, &fast)
			wv, wcut, wnamed := slow.Refused()
			gv, gcut, gnamed := fast.Refused()
			if got != want || gv != wv || gcut != wcut || gnamed != wnamed {
				t.Fatalf("config %d, ACRH %q: listedHeaders %v %q, parseHeaders %v %q", i, r.ACRH, got, gv, want, wv)
			}
			if want == DetailNone && acah != p.acah {
				t.Fatalf("config %d, ACRH %q: parse answers %q, listed policy %q", i, r.ACRH, acah, p.acah)
			}
		}
	})
}
