package policy

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// checkOriginRegex compiles one allow_origin_regexes entry and refuses it when
// it can match an origin outside what its author wrote (cors-rules.md,
// "Misconfigurations"; issue 11): not anchored at both ends of every
// alternative, an unescaped ".", a host whose registrable domain is not fully
// written (every origin, a public suffix such as .com or github.io, a suffix
// such as "example.com" without the dot in front, an open end), or, with
// credentials, a plain-http origin on a host that is not loopback. The reason
// names one origin the regex would wrongly allow, checked against the compiled
// regex itself.
//
// The decision is made on the syntax tree, expanded into the finite list of
// sequences it can match (regexexpand.go): each sequence's scheme is read from
// the left and its host from the right, since the registrable domain is the
// host's right end. Regexes only ever see well-formed origins (originmatch.go),
// so after "://" a host runs to the first ":" and holds only a-z, 0-9, "-", ".".
func checkOriginRegex(expr string, credentials, insecureOK bool) (*regexp.Regexp, string) {
	if len(expr) > MaxRegexBytes {
		return nil, "longer than " + strconv.Itoa(MaxRegexBytes) + " bytes"
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, "not a valid RE2 regex: " + err.Error()
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, "not a valid RE2 regex: " + err.Error()
	}
	x := &expander{}
	seqs := x.seqs(tree)
	switch {
	case x.unsupported != "":
		return nil, x.unsupported
	case x.tooMany:
		return nil, "too complex to check (more than " + strconv.Itoa(maxSequences) + " alternative cases, or too long once they are spelled out): split it into several regexes"
	}
	rc := &regexChecker{re: re, tree: tree, credentials: credentials && !insecureOK, topAlternation: tree.Op == syntax.OpAlternate,
		budget: maxTrialBytes, weight: 1 + len(expr)/64}
	matchable := false
	for _, seq := range seqs {
		if rc.budget < 0 {
			break
		}
		atoms, begin, end, ok := stripAnchors(seq)
		if !ok {
			continue // an anchor in the middle: this case can never match
		}
		if begin && end && !rc.canMatch(atoms) {
			continue // this case spells no origin, so it grants none
		}
		matchable = true
		if reason := rc.sequence(atoms, begin, end); reason != "" {
			return nil, reason
		}
	}
	if !matchable && rc.budget >= 0 {
		return nil, rc.neverMatches()
	}
	if rc.budget < 0 {
		return nil, "too complex to check (too many trial origins to verify): split it into several regexes"
	}
	return re, ""
}

// stripAnchors removes the ^ and $ of a sequence and says whether it had
// them; ok is false when the sequence can match no origin: a ^ after a
// character, a $ before one, or both anchors around nothing.
func stripAnchors(seq []item) (atoms []atom, begin, end, ok bool) {
	for _, it := range seq {
		switch it.anchor {
		case syntax.OpBeginText:
			if len(atoms) > 0 {
				return nil, false, false, false
			}
			begin = true
		case syntax.OpEndText:
			end = true
		default:
			if end {
				return nil, false, false, false
			}
			atoms = append(atoms, it.atom)
		}
	}
	return atoms, begin, end, len(atoms) > 0 || !begin || !end
}

// maxTrialBytes bounds the bytes of trial origins one regex is matched
// against, so that configure time stays bounded (a few milliseconds) for any
// regex of MaxRegexBytes. A regex that needs more is refused as too complex
// rather than accepted unchecked.
const maxTrialBytes = 128 << 10

// regexChecker checks the sequences of one regex.
type regexChecker struct {
	re             *regexp.Regexp
	credentials    bool // credentials without dangerously_allow_insecure_origins
	topAlternation bool
	pieces         map[*syntax.Regexp]*syntax.Prog
	tree           *syntax.Regexp           // the parsed regex
	prog           *reachProg               // its program, for reach; built on first use
	reached        map[string]bool          // domains reach has searched under
	foreign        map[string][]foreignHost // foreignHosts, per domain and labels
	budget         int                      // bytes of trial origins left (times weight); below 0: too complex
	weight         int                      // cost of one byte of trial origin, growing with the regex's length
}

// sequence returns why one expanded case of the regex is unsafe, or "".
func (rc *regexChecker) sequence(atoms []atom, begin, end bool) string {
	if !begin || !end {
		return rc.unanchored(atoms, begin, end)
	}
	for i, a := range atoms {
		if a.loneDot {
			w := rc.witness(atoms, i, []string{"x", "0", "-"})
			return `contains an unescaped "." that matches any character` + example(w) + `: write \. for a literal dot`
		}
	}
	h := readHost(atoms)
	if reason := rc.host(atoms, &h); reason != "" {
		return reason
	}
	if reason := rc.optionalJoined(atoms, &h); reason != "" {
		return reason
	}
	if rc.credentials {
		return rc.plainHTTP(atoms, &h)
	}
	return ""
}

func (rc *regexChecker) unanchored(atoms []atom, begin, end bool) string {
	base := rc.fill(atoms, -1, "")
	var cands []string
	if !end {
		cands = append(cands, base+".evil.test", base+"evil", base+"0")
	}
	if !begin {
		cands = append(cands, "https://evil"+base, "https://evil."+base, "evil"+base)
	}
	w := ""
	for _, c := range cands {
		if rc.allows(c) {
			w = c
			break
		}
	}
	if rc.topAlternation {
		return "each alternative must be anchored: ^ and $ bind tighter than |, so ^a|b$ means (^a)|(b$); write ^(a|b)$" + example(w)
	}
	return "must be anchored: start with ^ and end with $ (unanchored regexes match origins that merely contain the text" + exampleAfterComma(w) + ")"
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
		if octets := literalOctets(atoms[h.from:h.end]); privateIPv4Prefix(octets) {
			h.loopbackRange = octets[0] == "127"
			return ""
		}
		w := rc.witness(atoms, h.open, []string{"8.8.8.8", "8.8.8", "8.8", "8", "1", "0"})
		return "can match IP addresses outside a private range" + example(w) + ": write the addresses out, or fix the leading octets"
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
	if domain != "" && checkHost(domain, false) == "" && !isPublicSuffix(domain) {
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
		if rc.budget -= 4; rc.budget < 0 {
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

// literalOctets is the complete octets an IPv4 pattern starts with literally.
func literalOctets(atoms []atom) []string {
	var b strings.Builder
	for _, a := range atoms {
		if a.node != nil {
			break
		}
		b.WriteByte(a.lit)
	}
	parts := strings.Split(b.String(), ".")
	return parts[:len(parts)-1]
}

// privateIPv4Prefix reports whether addresses starting with these octets are
// all loopback, private (RFC 1918) or link-local: a range no one else can hold.
func privateIPv4Prefix(octets []string) bool {
	if len(octets) == 0 {
		return false
	}
	switch octets[0] {
	case "10", "127":
		return true
	}
	if len(octets) < 2 {
		return false
	}
	second, err := strconv.Atoi(octets[1])
	return err == nil && (octets[0] == "192" && second == 168 || octets[0] == "169" && second == 254 || octets[0] == "172" && second >= 16 && second <= 31)
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

// allows reports whether the matcher would let origin through this regex:
// well-formed, within the Origin limit, and matched.
func (rc *regexChecker) allows(origin string) bool {
	_, _, _, ok := splitOrigin(origin)
	if !ok || len(origin) > MaxOriginBytes {
		return false
	}
	// A match costs about the input's length times the program's size.
	if rc.budget -= len(origin) * rc.weight; rc.budget < 0 {
		return false
	}
	return rc.re.MatchString(origin)
}

// fill spells a sequence with atoms[i] replaced by s and every other piece by
// a short string it accepts.
func (rc *regexChecker) fill(atoms []atom, i int, s string) string {
	var b strings.Builder
	for j := range atoms {
		switch {
		case atoms[j].node == nil:
			b.WriteByte(atoms[j].lit)
		case j == i:
			b.WriteString(s)
		default:
			b.WriteString(rc.short(&atoms[j]))
		}
	}
	return b.String()
}

// short is a short string the piece accepts, a letter when it can be one (a
// dot for an unescaped ".", which its author meant as one).
func (rc *regexChecker) short(a *atom) string {
	if a.loneDot {
		return "."
	}
	for _, c := range []string{"a", "0", "//"} { // "//": a piece standing for the slashes of "://"
		if rc.accepts(a, c) {
			return c
		}
	}
	return shortest(a.node)
}

// accepts reports whether the piece matches all of s.
func (rc *regexChecker) accepts(a *atom, s string) bool {
	if a.node == nil {
		return s == string(a.lit)
	}
	p := rc.pieces[a.node]
	if p == nil {
		var err error
		if p, err = syntax.Compile(a.node.Simplify()); err != nil {
			return false
		}
		if rc.pieces == nil {
			rc.pieces = map[*syntax.Regexp]*syntax.Prog{}
		}
		rc.pieces[a.node] = p
	}
	return fullMatch(p, s)
}

// fullMatch runs prog over all of s (a breadth-first simulation of its
// instructions). It spares the plugin the regex printer that compiling the
// piece with the regexp package would need.
func fullMatch(prog *syntax.Prog, s string) bool {
	cur, next := []uint32{}, []uint32{}
	var add func(list []uint32, pc uint32, before, after rune) []uint32
	seen := make([]int, len(prog.Inst)) // step+1 when pc is already in the list of this step
	step := 0
	add = func(list []uint32, pc uint32, before, after rune) []uint32 {
		if seen[pc] == step+1 {
			return list
		}
		seen[pc] = step + 1
		switch in := &prog.Inst[pc]; in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			list = add(list, in.Out, before, after)
			return add(list, in.Arg, before, after)
		case syntax.InstCapture, syntax.InstNop:
			return add(list, in.Out, before, after)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^syntax.EmptyOpContext(before, after) == 0 {
				return add(list, in.Out, before, after)
			}
			return list
		case syntax.InstFail:
			return list
		}
		return append(list, pc)
	}
	runes := []rune(s)
	at := func(i int) rune {
		if i < 0 || i >= len(runes) {
			return -1
		}
		return runes[i]
	}
	cur = add(cur, uint32(prog.Start), -1, at(0))
	for i, r := range runes {
		step++
		next = next[:0]
		for _, pc := range cur {
			if in := &prog.Inst[pc]; in.Op != syntax.InstMatch && in.MatchRune(r) {
				next = add(next, in.Out, r, at(i+1))
			}
		}
		cur, next = next, cur
	}
	for _, pc := range cur {
		if prog.Inst[pc].Op == syntax.InstMatch {
			return true
		}
	}
	return false
}

// example names the origin a regex would wrongly allow, escaped.
func example(w string) string {
	if w == "" {
		return ""
	}
	return " (it matches " + Quote(w) + ")"
}

// exampleAfterComma names the origin inside a parenthesis that is already open.
func exampleAfterComma(w string) string {
	if w == "" {
		return ""
	}
	return ", e.g. " + Quote(w)
}

// reach is the exhaustive search behind underSuffix's trial origins: an origin
// the whole regex matches whose host lies outside domain's registrable domain
// through a rule of the list below it (regexreach.go), or "". Each domain is
// searched once per regex.
func (rc *regexChecker) reach(domain string) string {
	if rc.reached[domain] {
		return ""
	}
	if rc.reached == nil {
		rc.reached = map[string]bool{}
	}
	rc.reached[domain] = true
	if rc.prog == nil {
		prog, err := syntax.Compile(rc.tree.Simplify())
		if err != nil {
			return ""
		}
		rc.prog = newReachProg(prog)
		rc.budget -= len(prog.Inst) * len(reachAlphabet)
	}
	units := rc.budget / rc.weight
	w := foreignMatch(rc.prog, newReachTrie(domain), &units)
	rc.budget = units * rc.weight
	if w == "" || !rc.allows(w) {
		return ""
	}
	if _, host, _, _ := splitOrigin(w); !outside(domain, host) {
		return ""
	}
	return w
}
