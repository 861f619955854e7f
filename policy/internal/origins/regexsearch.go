package origins

import "regexp/syntax"

// The product search behind the regex checker's proofs: a regex program,
// reduced to the instructions that consume a byte, walked together with a
// target automaton (the hosts below a domain's suffix rules, regexreach.go;
// plain-http origins on hosts that are not loopback, regexhttp.go), reading
// origins right to left. The first string both accept is the shortest, so
// the search names a real origin or proves there is none. Configure time
// only, and bounded by the checker's budget.

// reachAlphabet is every byte a serialized origin can hold: a domain or IPv4
// host, an IPv6 literal in brackets, the scheme and the port.
const reachAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.:/+[]"

// searchTarget is an automaton read right to left: its start state, the
// states after one byte, and whether a state accepts (the origin's first byte
// has been read).
type searchTarget interface {
	start() int
	step(s int, c byte, out []int) []int
	final(s int) bool
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

// shortestMatch returns the shortest string both rp and t accept, or ""
// when there is none: a breadth-first walk of their product, right to left.
// Each product state visited costs one unit of *budget; the search stops at 0.
func shortestMatch(rp *reachProg, t searchTarget, budget *int) string {
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
			s := state{int32(i), int32(t.start())}
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
				if t.final(nt) && rp.first[s.pc] {
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

// search runs shortestMatch on the whole regex and t, paying from the
// checker's budget: the regex's reduced program is built once per regex.
func (rc *regexChecker) search(t searchTarget) string {
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
	w := shortestMatch(rc.prog, t, &units)
	rc.budget = units * workPerReachState
	return w
}
