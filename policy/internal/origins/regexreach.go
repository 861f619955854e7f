package origins

import (
	"regexp/syntax"
	"strings"
)

// This file decides, without sampling, whether an origin regex can match a
// host that the Public Suffix List puts in someone else's hands below the
// domain the regex names: hosts under a plain rule S (site.S), under a
// wildcard rule *.X (site.L.X for any label L), or an exception rule's domain
// E and the hosts under it. The trial origins of underSuffix find most such
// hosts cheaply; this search is the proof that none is left: it walks the
// product of the regex's program and an automaton of those hosts, reading
// origins right to left (the list is a tree of labels read from the right),
// and returns the shortest origin in both languages, or "" when there is none.
// Configure time only, and bounded by the checker's budget.

// reachAlphabet is every byte a serialized origin of a domain host can hold.
const reachAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.:/+"

// Target automaton states besides the trie nodes (which are 0..len(trie)-1).
const (
	tStart   = -1 - iota // nothing read yet: a port or the host's last byte
	tPort                // digits of the port read
	tLabel1              // a '.' read after a rule: one label byte must come
	tLabel               // inside the labels in front of a rule
	tWild1               // a '.' read after a wildcard rule's parent: its label starts
	tWild                // inside the wildcard label
	tSlash1              // the host ended: the second '/' of "://" comes
	tSlash2              // then ':'
	tScheme0             // then the scheme's last byte
	tScheme              // inside the scheme: the start of the origin may come
)

// reachTrie is the reversed host suffixes of the rules below a domain.
type reachTrie struct {
	next  []map[byte]int
	plain []bool // a plain rule ends here: sites below it are foreign
	wild  []bool // a wildcard rule's parent ends here: L.X is a suffix
	exc   []bool // an exception rule ends here: this domain is foreign
}

func newReachTrie(domain string) *reachTrie {
	t := &reachTrie{}
	t.node()
	prefix := reverseLabels(domain) + "."
	for i := ruleIndex(prefix); i < len(suffixRules); {
		key, next := suffixRuleAt(i)
		if !strings.HasPrefix(key, prefix) {
			break
		}
		i = next
		kind := &t.plain
		switch {
		case strings.HasSuffix(key, "!"):
			kind, key = &t.exc, key[:len(key)-1]
		case strings.HasSuffix(key, ".*"):
			kind, key = &t.wild, key[:len(key)-2]
		}
		host := reverseLabels(key)
		n := 0
		for j := len(host) - 1; j >= 0; j-- {
			c, ok := t.next[n][host[j]]
			if !ok {
				c = t.node()
				t.next[n][host[j]] = c
			}
			n = c
		}
		(*kind)[n] = true
	}
	return t
}

func (t *reachTrie) node() int {
	t.next = append(t.next, map[byte]int{})
	t.plain, t.wild, t.exc = append(t.plain, false), append(t.wild, false), append(t.exc, false)
	return len(t.next) - 1
}

func isLabelByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }

// step appends the target states after reading c (right to left) in state s.
func (t *reachTrie) step(s int, c byte, out []int) []int {
	digit := c >= '0' && c <= '9'
	switch s {
	case tStart:
		if digit {
			out = append(out, tPort)
		}
		if n, ok := t.next[0][c]; ok {
			out = append(out, n)
		}
	case tPort:
		if digit {
			out = append(out, tPort)
		}
		if c == ':' {
			out = append(out, 0)
		}
	case tLabel1:
		if isLabelByte(c) {
			out = append(out, tLabel)
		}
	case tLabel:
		switch {
		case isLabelByte(c):
			out = append(out, tLabel)
		case c == '.':
			out = append(out, tLabel1)
		case c == '/':
			out = append(out, tSlash1)
		}
	case tWild1:
		if isLabelByte(c) {
			out = append(out, tWild)
		}
	case tWild:
		switch {
		case isLabelByte(c):
			out = append(out, tWild)
		case c == '.':
			out = append(out, tLabel1)
		}
	case tSlash1:
		if c == '/' {
			out = append(out, tSlash2)
		}
	case tSlash2:
		if c == ':' {
			out = append(out, tScheme0)
		}
	case tScheme0, tScheme:
		if c >= 'a' && c <= 'z' || s == tScheme && (digit || c == '+' || c == '-' || c == '.') {
			out = append(out, tScheme)
		}
	default: // a trie node
		if n, ok := t.next[s][c]; ok {
			out = append(out, n)
		}
		if c == '.' && (t.plain[s] || t.exc[s]) {
			out = append(out, tLabel1)
		}
		if c == '.' && t.wild[s] {
			out = append(out, tWild1)
		}
		if c == '/' && t.exc[s] {
			out = append(out, tSlash1)
		}
	}
	return out
}

// reachProg is a regex program reduced to its byte-consuming instructions:
// which bytes each consumes, which may come before it, which may start and
// which may end a match.
type reachProg struct {
	chars []uint64  // per instruction: the bits of reachAlphabet it matches
	preds [][]int32 // per instruction: the consuming instructions right before it
	first []bool    // may consume the first byte
	last  []bool    // may consume the last byte
}

func newReachProg(prog *syntax.Prog) *reachProg {
	n := len(prog.Inst)
	rp := &reachProg{chars: make([]uint64, n), preds: make([][]int32, n), first: make([]bool, n), last: make([]bool, n)}
	for i := range prog.Inst {
		in := &prog.Inst[i]
		if !consumes(in.Op) {
			continue
		}
		for j := 0; j < len(reachAlphabet); j++ {
			if in.MatchRune(rune(reachAlphabet[j])) {
				rp.chars[i] |= 1 << j
			}
		}
	}
	seen := make([]int, 2*n)
	stamp := 0
	for i := -1; i < n; i++ {
		from := uint32(prog.Start)
		if i >= 0 {
			if !consumes(prog.Inst[i].Op) {
				continue
			}
			from = prog.Inst[i].Out
		}
		stamp++
		rp.closure(prog, from, i < 0, false, seen, stamp, func(j int, match bool) {
			switch {
			case match && i >= 0:
				rp.last[i] = true
			case match:
				// The empty string: no origin.
			case i < 0:
				rp.first[j] = true
			default:
				rp.preds[j] = append(rp.preds[j], int32(i))
			}
		})
	}
	return rp
}

func consumes(op syntax.InstOp) bool {
	return op == syntax.InstRune || op == syntax.InstRune1 || op == syntax.InstRuneAny || op == syntax.InstRuneAnyNotNL
}

// closure visits the consuming instructions and the match reachable from pc
// without consuming: "^" only at the start, nothing but the match after "$".
func (rp *reachProg) closure(prog *syntax.Prog, pc uint32, atStart, atEnd bool, seen []int, stamp int, visit func(int, bool)) {
	key := int(pc)
	if atEnd {
		key += len(prog.Inst)
	}
	if seen[key] == stamp {
		return
	}
	seen[key] = stamp
	in := &prog.Inst[pc]
	switch in.Op {
	case syntax.InstMatch:
		visit(int(pc), true)
	case syntax.InstFail:
	case syntax.InstAlt, syntax.InstAltMatch:
		rp.closure(prog, in.Out, atStart, atEnd, seen, stamp, visit)
		rp.closure(prog, in.Arg, atStart, atEnd, seen, stamp, visit)
	case syntax.InstCapture, syntax.InstNop:
		rp.closure(prog, in.Out, atStart, atEnd, seen, stamp, visit)
	case syntax.InstEmptyWidth:
		e := syntax.EmptyOp(in.Arg)
		if e&(syntax.EmptyBeginText|syntax.EmptyBeginLine) != 0 && !atStart {
			return
		}
		if e&(syntax.EmptyEndText|syntax.EmptyEndLine) != 0 {
			atEnd = true
		}
		// Word boundaries are let through: the search may then find a
		// candidate the regex refuses, which the caller's check drops.
		rp.closure(prog, in.Out, atStart, atEnd, seen, stamp, visit)
	default:
		if !atEnd {
			visit(int(pc), false)
		}
	}
}

// foreignMatch returns the shortest origin prog matches whose host lies below
// one of the list's rules under domain, or "" when there is none. Each
// product state visited costs one unit of *budget; the search stops at 0.
func foreignMatch(rp *reachProg, t *reachTrie, budget *int) string {
	if len(t.next[0]) == 0 {
		return ""
	}
	type state struct {
		pc, t int32
	}
	type edge struct {
		from state
		c    byte
	}
	parent := map[state]edge{}
	var queue []state
	var buf []int
	for i, last := range rp.last {
		if last {
			s := state{int32(i), tStart}
			parent[s] = edge{from: state{-1, 0}}
			queue = append(queue, s)
		}
	}
	spell := func(s state, c byte) string {
		b := []byte{c}
		for p := s; p.pc >= 0; p = parent[p].from {
			if e := parent[p]; e.from.pc >= 0 {
				b = append(b, e.c)
			}
		}
		return string(b)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if *budget -= 1; *budget < 0 {
			return ""
		}
		for j := 0; j < len(reachAlphabet); j++ {
			if rp.chars[s.pc]&(1<<j) == 0 {
				continue
			}
			c := reachAlphabet[j]
			buf = t.step(int(s.t), c, buf[:0])
			for _, nt := range buf {
				if nt == tScheme && rp.first[s.pc] {
					return spell(s, c)
				}
				for _, p := range rp.preds[s.pc] {
					ns := state{p, int32(nt)}
					if _, ok := parent[ns]; !ok {
						parent[ns] = edge{from: s, c: c}
						queue = append(queue, ns)
					}
				}
			}
		}
	}
	return ""
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
	if rc.budget < 0 {
		return ""
	}
	trie := newReachTrie(domain)
	if rc.budget -= workPerSuffixLookup + len(trie.next)*workPerTrieNode; len(trie.next[0]) == 0 {
		return "" // no rule below domain: nothing to search for
	}
	if rc.prog == nil {
		// The regex compiled once more, and indexed by byte: paid for before.
		if rc.budget -= rc.weight * (workPerInst + len(reachAlphabet)*workPerPieceStep); rc.budget < 0 {
			return ""
		}
		prog, err := syntax.Compile(rc.tree.Simplify())
		if err != nil {
			return ""
		}
		rc.prog = newReachProg(prog)
	}
	units := rc.budget / workPerReachState
	w := foreignMatch(rc.prog, trie, &units)
	rc.budget = units * workPerReachState
	if w == "" || !rc.allows(w) {
		return ""
	}
	if _, host, _, _ := splitOrigin(w); !outside(domain, host) {
		return ""
	}
	return w
}
