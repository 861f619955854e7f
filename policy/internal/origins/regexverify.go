package origins

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/quote"
)

// checkOriginRegex checks one regex on its own budget (tests and fuzzing): its
// problems joined by "; ", or "" when it is accepted.
func checkOriginRegex(expr string, credentials, insecureOK bool) (*regexp.Regexp, string) {
	left := MaxConfigWork
	re, reasons := VerifyRegex(expr, credentials, insecureOK, &left)
	return re, strings.Join(reasons, "; ")
}

// VerifyRegex compiles one allow_origin_regexes entry and refuses it
// when it can match an origin outside what its author wrote: not anchored at
// both ends of every alternative, an unescaped ".", a host whose registrable
// domain is not fully written (every origin, a public suffix such as .com or
// github.io, a suffix such as "example.com" without the dot in front, an open
// end), or, with credentials, a plain-http origin on a host that is not
// loopback. It returns every kind of problem the regex has, each once, with
// one origin the regex would wrongly allow, checked against the compiled regex
// itself; so one run lists them all.
//
// The decision is made on the syntax tree, expanded into the finite list of
// sequences it can match (regexexpand.go): each sequence's scheme is read from
// the left and its host from the right, since the registrable domain is the
// host's right end. Regexes only ever see well-formed origins (originmatch.go),
// so after "://" a host runs to the first ":" and holds only a-z, 0-9, "-", ".".
//
// configLeft is the configuration's work budget left (regexwork.go); the check
// spends from it, and refuses the regex as too complex to verify when it runs
// out or when the regex needs more than its own budget.
func VerifyRegex(expr string, credentials, insecureOK bool, configLeft *int) (*regexp.Regexp, []string) {
	if len(expr) > MaxRegexBytes {
		return nil, []string{"longer than " + strconv.Itoa(MaxRegexBytes) + " bytes"}
	}
	work := newRegexWork(*configLeft)
	rc := &regexChecker{credentials: credentials && !insecureOK, budget: work.left - workPerRegex - len(expr)*workPerRegexByte}
	reason := rc.check(expr)
	*configLeft -= work.left - rc.budget
	var reasons []string
	for _, p := range rc.problems {
		if p != "" {
			reasons = append(reasons, p)
		}
	}
	switch {
	case reason != "":
		reasons = append(reasons, reason)
	case rc.budget < 0:
		reasons = append(reasons, work.tooComplex())
	}
	if len(reasons) > 0 {
		return nil, reasons
	}
	return rc.re, nil
}

// check runs VerifyRegex's checks, recording problems in rc.problems; it
// returns a reason that ends the check early ("" when it ran to the end or out
// of work, which leaves rc.budget below 0).
func (rc *regexChecker) check(expr string) string {
	if rc.budget -= unicodeTables(expr) * workPerUnicodeTable; rc.budget < 0 {
		return ""
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return invalidRegex(err)
	}
	// Compiling is paid for before it runs: a short regex can ask for a huge program.
	if rc.weight = progSize(tree) + 2; satMul(rc.weight, workPerInst) > rc.budget {
		rc.budget = -1
		return ""
	}
	rc.budget -= rc.weight * workPerInst
	if rc.re, err = regexp.Compile(expr); err != nil {
		return invalidRegex(err)
	}
	rc.tree, rc.topAlternation = tree, tree.Op == syntax.OpAlternate
	x := &expander{budget: rc.budget / workPerItem}
	seqs := x.seqs(tree)
	rc.budget -= x.items * workPerItem
	switch {
	case x.unsupported != "":
		return x.unsupported
	case x.outOfWork || rc.budget < 0:
		rc.budget = min(rc.budget, -1)
		return ""
	case x.tooMany:
		return "too complex to verify (more than " + strconv.Itoa(maxSequences) + " alternative cases, or too long once they are spelled out): split it into several regexes"
	}
	matchable := false
	for _, seq := range seqs {
		if rc.budget < 0 {
			return ""
		}
		atoms, begin, end, ok := stripAnchors(seq)
		if !ok {
			continue // an anchor in the middle: this case can never match
		}
		rc.budget -= workPerCase + len(seq)*workPerItem // reading the case: anchors, host, scheme
		if begin && end && !rc.canMatch(atoms) {
			continue // this case spells no origin, so it grants none
		}
		matchable = true
		rc.sequence(atoms, begin, end)
	}
	if !matchable && rc.budget >= 0 {
		return rc.neverMatches()
	}
	if rc.credentials && !rc.witnessed[problemHTTP] && rc.budget >= 0 {
		// The cases found no plain-http origin: prove there is none.
		if w := rc.httpReach(); w != "" {
			rc.report(problemHTTP, plainHTTPReason(w))
		}
	}
	return ""
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

// The kinds of problem a regex can have, in the order they are reported. Each
// is reported once per regex, from the first case that shows it: a regex with
// an unescaped dot in every one of its 100 cases has one dot problem.
const (
	problemAnchor   = iota // not anchored at both ends
	problemDot             // an unescaped "."
	problemHost            // hosts outside the registrable domains it writes
	problemOptional        // an optional part joined to the domain without a dot
	problemHTTP            // plain http with credentials
	problemKinds
)

// sequence records why one expanded case of the regex is unsafe: every kind
// of problem not found yet in an earlier case.
func (rc *regexChecker) sequence(atoms []atom, begin, end bool) {
	if (!begin || !end) && !rc.witnessed[problemAnchor] {
		rc.report(problemAnchor, rc.unanchored(atoms, begin, end))
	}
	for i, a := range atoms {
		if a.loneDot {
			if !rc.witnessed[problemDot] {
				w := rc.witness(atoms, i, []string{"x", "0", "-"})
				rc.report(problemDot, `contains an unescaped "." that matches any character`+example(w)+`: write \. for a literal dot`)
			}
			// The rest of the check reads the case as its author meant it, with
			// a literal dot: what that reading matches, the regex matches too.
			atoms = literalDots(atoms)
			break
		}
	}
	if rc.witnessed[problemHost] && rc.witnessed[problemOptional] && (!rc.credentials || rc.witnessed[problemHTTP]) {
		return // nothing left to find in this case
	}
	h := readHost(atoms)
	rc.report(problemHost, rc.host(atoms, &h)) // host also tells plainHTTP about loopback hosts
	if !rc.witnessed[problemOptional] {
		rc.report(problemOptional, rc.optionalJoined(atoms, &h))
	}
	if rc.credentials && !rc.witnessed[problemHTTP] {
		rc.report(problemHTTP, rc.plainHTTP(atoms, &h))
	}
}

// report records reason for a kind of problem, unless one naming an origin
// was found already (callers skip finding it then). A reason without an origin
// (this case spells none the regex matches) is kept only until a later case
// gives one with an origin.
func (rc *regexChecker) report(kind int, reason string) {
	switch {
	case reason == "" || rc.witnessed[kind]:
	case strings.Contains(reason, " (it matches ") || strings.Contains(reason, ", e.g. "):
		rc.problems[kind], rc.witnessed[kind] = reason, true
	case rc.problems[kind] == "":
		rc.problems[kind] = reason
	}
}

// literalDots is atoms with every unescaped "." read as a literal dot.
func literalDots(atoms []atom) []atom {
	out := make([]atom, len(atoms))
	for i, a := range atoms {
		if a.loneDot {
			a = atom{lit: '.', optStart: a.optStart, optEnd: a.optEnd}
		}
		out[i] = a
	}
	return out
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

// invalidRegex is the reason for a regex that does not parse. The parser's
// message repeats the regex as written, control bytes and all; the reason
// names the problem and quotes the part it is about, escaped, so a refusal
// cannot break or forge a log line.
func invalidRegex(err error) string {
	se, ok := err.(*syntax.Error) // what regexp and regexp/syntax return, unwrapped
	if !ok {
		return "not a valid RE2 regex"
	}
	return "not a valid RE2 regex: " + string(se.Code) + ": " + quote.Value(se.Expr)
}
