package origins

import (
	"regexp/syntax"
	"strconv"
	"strings"
)

// Verification work. Checking an allow_origin_regexes entry costs far more
// than reading it: the regex is compiled, expanded into its cases, and each
// case is tried against the compiled regex with trial origins and looked up in
// the public-suffix table. All of it runs at configure time, which Envoy spends
// on each worker thread while that worker's requests wait. So every step is
// counted in work units, a measure that does not depend on the machine (the
// same configuration costs the same units everywhere), and a regex or a
// configuration that needs more than its budget is refused as too complex to
// verify rather than accepted unchecked or left to stall the proxy.
//
// One work unit is about one step of a regex matcher: one instruction of a
// compiled program against one byte of input. What each part of the check
// costs in units is set so that a unit takes about the same time whatever the
// work (measured in build/cors.wasm under wazero: see RATIONALE.md).
const (
	// MaxRegexWork is the verification budget of one regex, in work units.
	MaxRegexWork = 30_000_000
	// MaxConfigWork is the verification budget of a whole configuration, in
	// work units: the sum over every regex of every policy.
	MaxConfigWork = 220_000_000

	workPerRegex        = 60_000  // parsing and compiling any regex, however small
	workPerRegexByte    = 500     // parsing, per byte of the regex
	workPerInst         = 1_500   // compiling, per instruction of the program (regexp and the pieces)
	workPerItem         = 150     // expanding, per character of the expanded cases
	workPerUnicodeTable = 150_000 // parsing \p{...} or \P{...}: a Unicode table of hundreds of ranges, merged and sorted
	workPerSuffixLookup = 3_000   // finding the public-suffix rules under a domain
	workPerSuffixRule   = 300     // one host under a domain that the list puts in other hands, listed or tried
	workPerTrieNode     = 1_200   // one node of the automaton of those hosts (regexreach.go)
	workPerReachState   = 500     // one state of the search for hosts under the list's rules (regexreach.go)
	workPerFillByte     = 8       // spelling a trial origin, per byte
	workPerPieceStep    = 4       // matching a piece of the regex on its own, per instruction and byte
	workPerCase         = 5_000   // reading one expanded case: anchors, host, scheme
	workPerPolicy       = 30_000  // a policy: its options, route and counters
	workPerEntry        = 2_150   // one string of a policy's lists: decoded, validated, indexed
)

// regexWork is what one regex may still spend: its own budget, or what is left
// of the configuration's when that is less.
type regexWork struct {
	left      int
	ownBudget bool // the regex's own budget binds (not the configuration's)
}

func newRegexWork(configLeft int) regexWork {
	if configLeft < MaxRegexWork {
		return regexWork{left: configLeft}
	}
	return regexWork{left: MaxRegexWork, ownBudget: true}
}

// tooComplex is the reason for a regex whose check ran out of work units.
func (w regexWork) tooComplex() string {
	if w.ownBudget {
		return "too complex to verify (its check needs more than " + strconv.Itoa(MaxRegexWork) +
			" work units, see README, \"Configure limits\"): split it into several simpler regexes (fewer alternatives and repetitions each), or list the origins in allow_origins"
	}
	return "too complex to verify: the configuration's regexes together need more than " + strconv.Itoa(MaxConfigWork) +
		" work units (see README, \"Configure limits\"), and this is where they ran out: use fewer or simpler regexes, or list the origins in allow_origins"
}

// progSize is about how many instructions regexp/syntax compiles re into
// (after Simplify, which writes out counted repetitions), without compiling
// it: a 1000-byte regex can ask for millions ((?:a{1000}){1000}), so the cost
// is known before the compiler is run. Saturates at 1<<30.
func progSize(re *syntax.Regexp) int {
	n := 1
	switch re.Op {
	case syntax.OpLiteral:
		n = max(len(re.Rune), 1)
	case syntax.OpCharClass:
		n = 1 + len(re.Rune)/2 // copied and searched range by range
	case syntax.OpCapture:
		n = 2 + progSize(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		n = 1 + progSize(re.Sub[0])
	case syntax.OpConcat, syntax.OpAlternate:
		n = len(re.Sub)
		for _, sub := range re.Sub {
			n = satAdd(n, progSize(sub))
		}
	case syntax.OpRepeat:
		copies := re.Max
		if copies < 0 {
			copies = re.Min + 1 // x{n,} is n copies and a star
		}
		n = satMul(max(copies, 1), 1+progSize(re.Sub[0]))
	}
	return n
}

func satAdd(a, b int) int { return min(a+b, 1<<30) }

func satMul(a, b int) int {
	if a != 0 && b > (1<<30)/a {
		return 1 << 30
	}
	return a * b
}

// unicodeTables counts the \p and \P escapes of expr: each names a Unicode
// table that the parser copies, merges and sorts before anything else can be
// counted, so they are paid for before parsing.
func unicodeTables(expr string) int {
	return strings.Count(expr, `\p`) + strings.Count(expr, `\P`)
}

// ListWork is the work units of reading one policy whose lists hold entries
// strings in all (origins, methods, headers, hosts, path prefixes): the
// configuration's budget pays for them too, before its regexes are checked.
func ListWork(entries int) int { return workPerPolicy + entries*workPerEntry }
