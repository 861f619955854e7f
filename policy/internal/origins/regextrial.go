package origins

import (
	"regexp/syntax"
	"strings"
)

// Trial origins: the checker spells origins a case of the regex can match and
// runs them through the compiled regex, so that every refusal names an origin
// the regex really lets through. Each step is charged to the regex's work
// budget (regexwork.go).

// allows reports whether the matcher would let origin through this regex:
// well-formed, within the Origin limit, and matched.
func (rc *regexChecker) allows(origin string) bool {
	_, _, _, ok := splitOrigin(origin)
	if !ok || len(origin) > MaxOriginBytes {
		return false
	}
	// A match costs at most the input's length (and the end) times the program's size.
	if rc.budget -= (len(origin) + 1) * rc.weight; rc.budget < 0 {
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
	rc.budget -= (len(atoms) + b.Len()) * workPerFillByte
	return b.String()
}

// short is a short string the piece accepts, a letter when it can be one (a
// dot for an unescaped ".", which its author meant as one). Found once per
// piece: every trial origin spells every piece.
func (rc *regexChecker) short(a *atom) string {
	if a.loneDot {
		return "."
	}
	if s, ok := rc.shorts[a.node]; ok {
		return s
	}
	s := ""
	for _, c := range []string{"a", "0", "//"} { // "//": a piece standing for the slashes of "://"
		if rc.accepts(a, c) {
			s = c
			break
		}
	}
	if s == "" {
		s = shortest(a.node)
		rc.budget -= len(s) * workPerFillByte
	}
	if rc.shorts == nil {
		rc.shorts = map[*syntax.Regexp]string{}
	}
	rc.shorts[a.node] = s
	return s
}

// accepts reports whether the piece matches all of s.
func (rc *regexChecker) accepts(a *atom, s string) bool {
	if a.node == nil {
		return s == string(a.lit)
	}
	p := rc.pieces[a.node]
	if p == nil {
		// Compiling the piece costs like compiling a regex (its size was paid
		// for as part of the whole regex's, but a piece compiles on its own).
		if rc.budget -= (progSize(a.node) + 2) * workPerInst; rc.budget < 0 {
			return false
		}
		var err error
		if p, err = syntax.Compile(a.node.Simplify()); err != nil {
			return false
		}
		if rc.pieces == nil {
			rc.pieces = map[*syntax.Regexp]*syntax.Prog{}
		}
		rc.pieces[a.node] = p
	}
	// A breadth-first match visits at most every instruction per byte.
	if rc.budget -= (len(s) + 1) * len(p.Inst) * workPerPieceStep; rc.budget < 0 {
		return false
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
