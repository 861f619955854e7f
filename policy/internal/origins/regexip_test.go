package origins

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A regex that leaves an IPv4 address open outside the private ranges is
// refused naming a public address it matches, never a private one it may
// rightly allow; when no public address shows, the refusal says what to
// write out instead of naming one. A second octet of single-character
// classes is read value by value, so 172.(1[6-9]|2[0-9]|3[01]) is private.
func TestOpenIPv4Refusal(t *testing.T) {
	for _, c := range []struct {
		name, expr string
		witness    bool // the refusal names an origin
		accepted   bool // every address it can match is private
	}{
		{"a repeated digit", `^https://1+0\.0\.0\.1$`, true, false},
		{"an optional class", `^https://[12]?0\.0\.0\.1$`, true, false},
		{"a class over two first octets", `^https://1[01]\.0\.0\.1$`, true, false},
		{"every address", `^https://[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`, true, false},
		{"172.16/12 as alternatives", `^https://172\.(1[6-9]|2[0-9]|3[01])\.[0-9]+\.[0-9]+$`, false, true},
		{"192.168/16 with a class", `^https://192\.16[8]\.[0-9]+\.[0-9]+$`, false, true},
		{"a class reaching past 172.16/12", `^https://172\.[1-3][0-9]\.[0-9]+\.[0-9]+$`, true, false},
		{"a class reaching past 192.168/16", `^https://192\.16[89]\.[0-9]+\.[0-9]+$`, true, false},
		{"a repetition inside 172.16/12", `^https://172\.(1[6-9])+\.[0-9]+\.[0-9]+$`, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			left := MaxConfigWork
			_, reasons := VerifyRegex(c.expr, false, false, &left)
			if c.accepted {
				if len(reasons) > 0 {
					t.Errorf("refused: %q", reasons)
				}
				return
			}
			if len(reasons) != 1 {
				t.Fatalf("want one refusal, got %q", reasons)
			}
			m := exampleOrigin.FindStringSubmatch(reasons[0])
			if (m != nil) != c.witness {
				t.Fatalf("names an origin: %v, want %v: %s", m != nil, c.witness, reasons[0])
			}
			if m == nil {
				if !strings.Contains(reasons[0], "write the octets that fix the range out") {
					t.Errorf("the refusal does not say what to write: %s", reasons[0])
				}
				return
			}
			w, _ := strconv.Unquote(m[1])
			_, host, _, _ := splitOrigin(w)
			ip, ok := parseIPv4(host)
			if !ok || privateIPv4Prefix(octetStrings(ip)) || !regexp.MustCompile(c.expr).MatchString(w) {
				t.Errorf("names %s: want a public IPv4 origin the regex matches", w)
			}
		})
	}
}

// Every regex of the shape ^https://F\.S\.[0-9]+\.[0-9]+$, where F is 172,
// 192 or 169 and S one to three positions each a digit or a class, is
// accepted only if every second octet a browser can send that it matches
// keeps the address private: checked against all 256 values, for 1,197
// regexes.
func TestPrivateOctetClassesExhaustive(t *testing.T) {
	positions := []string{"1", "6", "[0-9]", "[1-3]", "[6-9]", "[0-5]", "[89]"}
	var seconds []string
	for _, a := range positions {
		seconds = append(seconds, a)
		for _, b := range positions {
			seconds = append(seconds, a+b)
			for _, c := range positions {
				seconds = append(seconds, a+b+c)
			}
		}
	}
	accepted, n := 0, 0
	for _, first := range []string{"172", "192", "169"} {
		for _, second := range seconds {
			n++
			expr := `^https://` + first + `\.` + second + `\.[0-9]+\.[0-9]+$`
			left := MaxConfigWork
			if _, reasons := VerifyRegex(expr, false, false, &left); len(reasons) > 0 {
				continue
			}
			accepted++
			re := regexp.MustCompile(expr)
			for v := 0; v <= 255; v++ {
				if re.MatchString("https://"+first+"."+strconv.Itoa(v)+".0.1") && !privateIPv4Prefix([]string{first, strconv.Itoa(v)}) {
					t.Errorf("%s is accepted and matches the public %s.%d.0.1", expr, first, v)
				}
			}
		}
	}
	if accepted == 0 || accepted == n {
		t.Fatalf("%d of %d accepted: the family does not test both ways", accepted, n)
	}
	t.Logf("%d of %d regexes accepted, each checked on 256 second octets", accepted, n)
}
