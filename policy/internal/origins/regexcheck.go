package origins

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/quote"
)

// regexChecker checks the sequences of one regex.
type regexChecker struct {
	re             *regexp.Regexp
	problems       [problemKinds]string // the reason found for each kind of problem (regexverify.go)
	witnessed      [problemKinds]bool   // the reason names an origin the regex matches
	shorts         map[*syntax.Regexp]string
	credentials    bool // credentials without dangerously_allow_insecure_origins
	topAlternation bool
	pieces         map[*syntax.Regexp]*syntax.Prog
	tree           *syntax.Regexp           // the parsed regex
	prog           *reachProg               // its program, for reach; built on first use
	reached        map[string]bool          // domains reach has searched under
	foreign        map[string][]foreignHost // foreignHosts, per domain and labels
	budget         int                      // work units left (regexwork.go); below 0: too complex
	weight         int                      // instructions of the compiled regex: a trial match costs this per byte
}

// hostShape is what a sequence says about the host of the origins it matches.
type hostShape struct {
	sep           bool   // the sequence has a literal "://"
	from, end     int    // atoms[from:end] make the host
	fixed         bool   // the host is literal
	host          string // the literal host, when fixed
	open          int    // index of the rightmost non-literal atom of the host
	tail          string // the literal characters right of atoms[open]
	numeric       bool   // only digits and dots: an IPv4 address
	loopbackTail  bool   // every host ends in .localhost
	loopbackRange bool   // an IPv4 address in 127.0.0.0/8
}

// readHost locates the host of a sequence: after the literal "://" (or, with
// none, anywhere) up to the first literal ":" that can only start a port.
func readHost(atoms []atom) hostShape {
	h := hostShape{end: len(atoms)}
	for i := 0; i+2 < len(atoms); i++ {
		if atoms[i].isLit(':') && atoms[i+1].isLit('/') && atoms[i+2].isLit('/') {
			h.sep, h.from = true, i+3
			break
		}
	}
	for i := h.from; i < len(atoms); i++ {
		if i == h.from && atoms[i].isLit('[') {
			// IPv6: the host runs to "]".
			for j := i; j < len(atoms); j++ {
				if atoms[j].isLit(']') {
					h.end = j + 1
					break
				}
			}
			break
		}
		if atoms[i].isLit(':') && (h.sep || portOnly(atoms[i+1:])) {
			h.end = i
			break
		}
	}
	h.open = h.end - 1
	for h.open >= h.from && atoms[h.open].node == nil {
		h.open--
	}
	h.fixed = h.open < h.from
	var tail strings.Builder
	for _, a := range atoms[h.open+1 : h.end] {
		tail.WriteByte(a.lit)
	}
	h.tail = tail.String()
	if h.fixed {
		h.host = h.tail
	}
	h.numeric = h.sep
	for _, a := range atoms[h.from:h.end] {
		if a.node == nil && !setOf(digitChars+".").has(a.lit) || a.node != nil && !a.chars.only(digitChars+".") {
			h.numeric = false
		}
	}
	return h
}

// portOnly reports whether atoms can only spell digits.
func portOnly(atoms []atom) bool {
	for _, a := range atoms {
		if a.node == nil && (a.lit < '0' || a.lit > '9') || a.node != nil && !a.chars.only(digitChars) {
			return false
		}
	}
	return len(atoms) > 0
}

func (a *atom) isLit(c byte) bool { return a.node == nil && a.lit == c }

// host refuses a sequence whose hosts are not all under one registrable domain
// written out in the regex.
func (rc *regexChecker) host(atoms []atom, h *hostShape) string {
	if h.fixed {
		return ""
	}
	if h.numeric {
		if octets := literalOctets(atoms[h.from:h.end]); privateIPv4Prefix(octets) || privateByClasses(atoms[h.from:h.end]) {
			h.loopbackRange = octets[0] == "127"
			return ""
		}
		if w := rc.publicIPWitness(atoms, h.from, h.end); w != "" {
			return "can match IP addresses outside a private range" + example(w) + ": write the addresses out, or fix the leading octets"
		}
		return "leaves octets of an IP address open before its range is known to be private: write the octets that " +
			`fix the range out (10\., 127\., 169\.254\., 172\.16\. to 172\.31\., 192\.168\.), or list the addresses`
	}
	if h.sep && h.from < h.end && atoms[h.from].isLit('[') {
		w := rc.witness(atoms, h.open, []string{"1", "a", "0"})
		return "can match IPv6 addresses it does not write out" + example(w)
	}
	a := &atoms[h.open]
	t := h.tail
	aligned := strings.HasPrefix(t, ".") || a.last != 0 && a.last.only(".")
	domain := ""
	switch {
	case aligned:
		domain = strings.TrimPrefix(t, ".")
	case strings.IndexByte(t, '.') >= 0:
		domain = t[strings.IndexByte(t, '.')+1:]
	}
	if domain == "localhost" || strings.HasSuffix(domain, ".localhost") {
		h.loopbackTail = true
		return ""
	}
	if domain != "" && CheckHost(domain, false) == "" && !isPublicSuffix(domain) {
		// Every host is domain or under it, a registrable domain written in full,
		// unless a public suffix lies under it (s3.amazonaws.com under amazonaws.com).
		w := rc.underSuffix(atoms, h, domain)
		if w == "" && rc.budget >= 0 {
			w = rc.reach(domain)
		}
		if w != "" {
			return "spreads over a public suffix under " + strconv.Quote(domain) + ", where anyone can create a site" + example(w) +
				": name your own site under it"
		}
		return ""
	}
	switch {
	case t == "" || t == ".":
		if h.open == h.from {
			w := rc.witness(atoms, h.open, []string{"evil.test", "https://evil.test", "http://evil.test", "evil", "x", "0"})
			if rc.credentials {
				return "matches origins on any domain" + example(w) + `: with allow_credentials that is "*" with credentials in disguise, which would let every site read credentialed responses; list the origins`
			}
			return "matches origins on any domain" + example(w) + `: list the origins, or allow every origin with allow_origins ["*"]`
		}
		w := rc.witness(atoms, h.open, []string{".evil.test", "evil.test", "evil", "x", "0", "1"})
		return "can match hosts outside the domains it names" + example(w) + `: end the host with a literal registrable domain, as in \.example\.com$`
	case aligned:
		w := rc.witness(atoms, h.open, []string{"evil.", "evil", "x.", "x", "0.", "0", "1"})
		return "spreads over the public suffix " + strconv.Quote(domain) + ", where anyone can register a site" + example(w) +
			`: name your own domain under it, as in ^https://([a-z0-9-]+\.)*mysite\.` + regexp.QuoteMeta(domain) + "$"
	}
	w := rc.witness(atoms, h.open, []string{"evil", "evil-", "x", "0", "-"})
	return "matches any host ending in " + strconv.Quote(t) + ", not only its subdomains" + example(w) +
		`: put \. in front of the domain, as in ^https://([a-z0-9-]+\.)*example\.com$`
}

// underSuffix looks for an origin the sequence matches whose host lies under
// domain but outside its registrable domain (evil.s3.amazonaws.com for
// .*\.amazonaws\.com, a.evil.r.appspot.com for [a-z]+\.[a-z]+\.r\.appspot\.com):
// the open piece is filled with what each host of foreignHosts needs in front
// of the literal tail, cut at each label, and the origin is kept only when its
// host is at or under the host's root, the regex matches it, and the host is
// outside. The labels a wildcard rule leaves open are tried in the shapes the
// host's pieces accept (letters, digits, both, a hyphen, and each piece's own
// shortest string).
func (rc *regexChecker) underSuffix(atoms []atom, h *hostShape, domain string) string {
	open := &atoms[h.open]
	labels := []string{"evil", "x", "0", "x0", "0x", "x-0"}
	for j := h.from; j < h.end; j++ {
		if atoms[j].node != nil {
			if l := rc.short(&atoms[j]); checkLabel(l) == "" && !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	cacheKey := domain + "/" + strings.Join(labels, ",")
	hosts, ok := rc.foreign[cacheKey]
	if !ok {
		hosts = foreignHosts(domain, "evil", labels)
		rc.budget -= workPerSuffixLookup + len(hosts)*workPerSuffixRule
		if rc.foreign == nil {
			rc.foreign = map[string][]foreignHost{}
		}
		rc.foreign[cacheKey] = hosts
	}
	front := rc.fill(atoms[h.from:h.open], -1, "") // the host left of the open piece, as fill spells it
	tried := map[string]bool{}
	for _, f := range hosts {
		// Looking at a host costs a few units: a regex with hundreds of cases
		// over amazonaws.com (hundreds of rules below it) stays bounded.
		if rc.budget -= workPerSuffixRule; rc.budget < 0 {
			return ""
		}
		if !strings.HasSuffix(f.host, h.tail) {
			continue
		}
		need := f.host[:len(f.host)-len(h.tail)]
		for i := 0; i < len(need); i++ {
			if i > 0 && need[i-1] != '.' && need[i] != '.' {
				if d := strings.IndexByte(need[i:], '.'); d > 0 {
					i += d - 1 // on to the next dot
					continue
				}
				break
			}
			c := need[i:]
			if tried[c] || !open.chars.hasAll(c) {
				continue // cheap: tried already, or a character the piece can never produce
			}
			if host := front + c + h.tail; host != f.root && !strings.HasSuffix(host, "."+f.root) {
				continue // cheap: this fill does not reach the root
			}
			tried[c] = true
			if rc.budget < 0 {
				return ""
			}
			rc.budget -= len(atoms) // filling in a sequence costs too
			if !rc.accepts(open, c) {
				continue
			}
			if w := rc.fill(atoms, h.open, c); rc.allows(w) {
				if _, got, _, _ := splitOrigin(w); outside(domain, got) {
					return w
				}
			}
		}
	}
	return ""
}

// hasAll reports whether every byte of str is in s.
func (s charSet) hasAll(str string) bool {
	for i := 0; i < len(str); i++ {
		if !s.has(str[i]) {
			return false
		}
	}
	return true
}

// plainHTTP refuses, with credentials, a sequence that can match http:// on a
// host that is not loopback (http on loopback is a secure context).
func (rc *regexChecker) plainHTTP(atoms []atom, h *hostShape) string {
	var w string
	if h.sep {
		scheme, literal := "", true
		for _, a := range atoms[:h.from-3] {
			literal = literal && a.node == nil
			scheme += string(a.lit)
		}
		switch {
		case literal && scheme != "http":
			return ""
		case literal:
			if h.fixed && isLoopbackHost(h.host) || h.loopbackTail || h.loopbackRange {
				return ""
			}
			if w = rc.fill(atoms, -1, ""); !rc.allows(w) {
				if h.fixed {
					return "" // this case spells no well-formed origin
				}
				w = rc.witness(atoms, h.open, []string{"a", "evil", "x", "0", "a.", "1"})
			}
		default:
			c := "http://" + rc.fill(atoms[h.from:], -1, "")
			if !rc.allows(c) || isLoopbackOrigin(c) {
				return ""
			}
			w = c
		}
	} else {
		for i := range atoms {
			if atoms[i].node == nil {
				continue
			}
			for _, c := range []string{"http://a", "http://a.", "http://evil.", "http://"} {
				if cand := rc.fill(atoms, i, c); strings.HasPrefix(cand, "http://") && rc.allows(cand) && !isLoopbackOrigin(cand) {
					w = cand
					break
				}
			}
			if w != "" {
				break
			}
		}
		if w == "" {
			return ""
		}
	}
	return plainHTTPReason(w)
}

// plainHTTPReason refuses a regex that matches the plain-http origin w.
func plainHTTPReason(w string) string {
	return "may match plain-http origins with allow_credentials" + example(w) + ": start it with ^https:// (or http:// and a loopback host), or set dangerously_allow_insecure_origins"
}

func isLoopbackOrigin(origin string) bool {
	_, host, _, ok := splitOrigin(origin)
	return ok && isLoopbackHost(host)
}

// witness fills atoms[i] with the first candidate the piece accepts that gives
// an origin the regex matches; "" if none does.
func (rc *regexChecker) witness(atoms []atom, i int, candidates []string) string {
	// Last, whatever short string the piece itself accepts ([ab] takes neither
	// "evil" nor "x").
	candidates = append(candidates[:len(candidates):len(candidates)], rc.short(&atoms[i]))
	for _, c := range candidates {
		if rc.budget < 0 {
			return ""
		}
		rc.budget -= len(atoms) // filling in a sequence costs too
		if !rc.accepts(&atoms[i], c) {
			continue
		}
		if w := rc.fill(atoms, i, c); rc.allows(w) {
			return w
		}
	}
	return ""
}

// example names the origin a regex would wrongly allow, escaped.
func example(w string) string {
	if w == "" {
		return ""
	}
	return " (it matches " + quote.Value(w) + ")"
}

// exampleAfterComma names the origin inside a parenthesis that is already open.
func exampleAfterComma(w string) string {
	if w == "" {
		return ""
	}
	return ", e.g. " + quote.Value(w)
}
