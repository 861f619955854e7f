package origins

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// A regex in allow_origin_regexes is checked on its syntax tree: the tree is
// expanded into a finite list of sequences (every alternation, optional part
// and "zero or more" split into its cases), each a row of atoms that are either
// one literal character or one non-literal piece (a class, a repetition). What
// a sequence matches is then read off it: its scheme from the left, its host
// from the right, where the registrable domain is. See regexcheck.go.

// charSet is a set of the characters a well-formed origin can contain (see
// splitOrigin): a-z, 0-9 and "+-.:/[]". A regex character outside it can never
// take part in a match the matcher lets regexes see.
type charSet uint64

const originAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.:/[]+"

// charIndex maps a byte to its bit in a charSet, -1 outside the alphabet.
var charIndex = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(originAlphabet); i++ {
		t[originAlphabet[i]] = int8(i)
	}
	return t
}()

func (s charSet) has(c byte) bool { return charIndex[c] >= 0 && s&(1<<charIndex[c]) != 0 }

// only reports whether every character of s is in chars.
func (s charSet) only(chars string) bool { return s&^setOf(chars) == 0 }

// first is the first member of s in alphabet order (letters first), 0 if empty.
func (s charSet) first() byte {
	for i := 0; i < len(originAlphabet); i++ {
		if s&(1<<i) != 0 {
			return originAlphabet[i]
		}
	}
	return 0
}

func (s charSet) count() int {
	n := 0
	for ; s != 0; s &= s - 1 {
		n++
	}
	return n
}

func setOf(chars string) charSet {
	var s charSet
	for i := 0; i < len(chars); i++ {
		if charIndex[chars[i]] >= 0 {
			s |= 1 << charIndex[chars[i]]
		}
	}
	return s
}

const (
	digitChars = "0123456789"
	labelChars = "abcdefghijklmnopqrstuvwxyz0123456789-"
)

// runeSet is the part of a rune range list (as in syntax.Regexp.Rune) inside
// the alphabet; with fold, upper-case letters count as their lower case, since
// the regex then matches the lower-case origin a browser sends.
func runeSet(ranges []rune, fold bool) charSet {
	var s charSet
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for j := 0; j < len(originAlphabet); j++ {
			c := rune(originAlphabet[j])
			if c >= lo && c <= hi || fold && c != unicode.ToUpper(c) && unicode.ToUpper(c) >= lo && unicode.ToUpper(c) <= hi {
				s |= 1 << j
			}
		}
	}
	return s
}

// atom is one step of a sequence: a literal character (node == nil), or a
// non-literal piece of the regex that matches at least one character.
type atom struct {
	lit     byte
	node    *syntax.Regexp // the piece, as a regex of its own
	chars   charSet        // characters it can produce
	last    charSet        // characters it can end with
	loneDot bool           // an unescaped "." not under a repetition
	// optStart and optEnd mark the first and last character of a part the
	// regex may leave out ((www)?, (www|)): see optionalJoined.
	optStart, optEnd bool
}

// item is an atom or a text anchor (^ or $) inside an expanded sequence.
type item struct {
	atom
	anchor syntax.Op // 0, OpBeginText or OpEndText
}

// Expansion limits: a regex with more cases than this is refused as too
// complex to check rather than accepted unchecked.
const (
	maxSequences = 512
	maxItems     = 1 << 15 // characters over all sequences
)

// expander turns a syntax tree into sequences.
type expander struct {
	tooMany     bool
	unsupported string // a construct the checker does not reason about
	items       int    // items copied so far: the work of the expansion
	budget      int    // items it may copy (regexwork.go)
	outOfWork   bool   // it needed more
}

// seqs returns every sequence re can match as a row of items. Sequences that
// can never match a well-formed origin (a character outside the alphabet) are
// left out.
func (x *expander) seqs(re *syntax.Regexp) [][]item {
	switch re.Op {
	case syntax.OpNoMatch:
		return nil
	case syntax.OpEmptyMatch:
		return [][]item{{}}
	case syntax.OpBeginText, syntax.OpBeginLine:
		// Origins hold no newline, so ^ in multi-line mode is the same anchor.
		return [][]item{{{anchor: syntax.OpBeginText}}}
	case syntax.OpEndText, syntax.OpEndLine:
		return [][]item{{{anchor: syntax.OpEndText}}}
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		x.unsupported = `word boundaries (\b, \B) are not supported in origin regexes: anchor with ^ and $ and escape dots`
		return nil
	case syntax.OpCapture:
		return x.seqs(re.Sub[0])
	case syntax.OpLiteral:
		seq := make([]item, 0, len(re.Rune))
		for _, r := range re.Rune {
			fold := re.Flags&syntax.FoldCase != 0
			s := runeSet([]rune{r, r}, fold)
			if s == 0 {
				return nil // never in an origin
			}
			seq = append(seq, item{atom: atom{lit: s.first()}})
		}
		return [][]item{seq}
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		s := nodeChars(re)
		switch s.count() {
		case 0:
			return nil
		case 1:
			return [][]item{{{atom: atom{lit: s.first()}}}}
		}
		a := atom{node: re, chars: s, last: s, loneDot: re.Op != syntax.OpCharClass}
		return [][]item{{{atom: a}}}
	case syntax.OpConcat:
		out := [][]item{{}}
		for _, sub := range re.Sub {
			out = x.product(out, x.seqs(sub))
		}
		return out
	case syntax.OpAlternate:
		var out [][]item
		optional := false
		for _, sub := range re.Sub {
			seqs := x.seqs(sub)
			for _, seq := range seqs {
				optional = optional || len(seq) == 0
			}
			out = append(out, seqs...)
			if len(out) > maxSequences {
				x.tooMany = true
				return nil
			}
		}
		if optional {
			markOptional(out)
		}
		return out
	case syntax.OpQuest:
		return append([][]item{{}}, markOptional(x.seqs(re.Sub[0]))...)
	case syntax.OpStar:
		return append([][]item{{}}, x.repeated(re.Sub[0], 1, -1)...)
	case syntax.OpPlus:
		return x.repeated(re.Sub[0], 1, -1)
	case syntax.OpRepeat:
		if re.Min == re.Max && re.Min <= 4 {
			// A short fixed count ({2}, {3}) is written out, so its literals stay literal.
			out, one := [][]item{{}}, x.seqs(re.Sub[0])
			for i := 0; i < re.Min; i++ {
				out = x.product(out, one)
			}
			return out
		}
		if re.Min == 0 {
			return append([][]item{{}}, x.repeated(re.Sub[0], 1, re.Max)...)
		}
		return x.repeated(re.Sub[0], re.Min, re.Max)
	}
	x.unsupported = "uses a construct the origin checker does not know"
	return nil
}

// markOptional marks the ends of the sequences of a part the regex may leave out.
func markOptional(seqs [][]item) [][]item {
	for _, seq := range seqs {
		if len(seq) > 0 {
			seq[0].optStart = true
			seq[len(seq)-1].optEnd = true
		}
	}
	return seqs
}

// product is every sequence of a followed by one of b.
func (x *expander) product(a, b [][]item) [][]item {
	items := 0
	for _, sa := range a {
		items += len(sa) * len(b)
	}
	for _, sb := range b {
		items += len(sb) * len(a)
	}
	if len(a)*len(b) > maxSequences || items > maxItems {
		x.tooMany = true
		return nil
	}
	if x.items += items; x.items > x.budget {
		x.outOfWork = true
		return nil
	}
	out := make([][]item, 0, len(a)*len(b))
	for _, sa := range a {
		for _, sb := range b {
			out = append(out, append(append(make([]item, 0, len(sa)+len(sb)), sa...), sb...))
		}
	}
	return out
}

// repeated is sub repeated min..max times (max -1: unbounded), min >= 1, as one
// non-literal atom; a repetition of something that can only be empty is empty.
func (x *expander) repeated(sub *syntax.Regexp, min, max int) [][]item {
	if hasAnchor(sub) {
		x.unsupported = "has ^ or $ inside a repetition"
		return nil
	}
	s := nodeChars(sub)
	if s == 0 {
		if nullable(sub) {
			return [][]item{{}}
		}
		return nil
	}
	node := &syntax.Regexp{Op: syntax.OpRepeat, Min: min, Max: max, Sub: []*syntax.Regexp{sub}}
	if max == -1 && min == 1 {
		node = &syntax.Regexp{Op: syntax.OpPlus, Sub: []*syntax.Regexp{sub}}
	}
	return [][]item{{{atom: atom{node: node, chars: s, last: lastChars(sub)}}}}
}

// nodeChars is every alphabet character re can produce.
func nodeChars(re *syntax.Regexp) charSet {
	switch re.Op {
	case syntax.OpLiteral:
		var s charSet
		for _, r := range re.Rune {
			s |= runeSet([]rune{r, r}, re.Flags&syntax.FoldCase != 0)
		}
		return s
	case syntax.OpCharClass:
		return runeSet(re.Rune, false)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return setOf(originAlphabet)
	}
	var s charSet
	for _, sub := range re.Sub {
		s |= nodeChars(sub)
	}
	return s
}

// lastChars is every alphabet character a non-empty match of re can end with.
func lastChars(re *syntax.Regexp) charSet {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return 0
		}
		r := re.Rune[len(re.Rune)-1]
		return runeSet([]rune{r, r}, re.Flags&syntax.FoldCase != 0)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return nodeChars(re)
	case syntax.OpConcat:
		var s charSet
		for i := len(re.Sub) - 1; i >= 0; i-- {
			s |= lastChars(re.Sub[i])
			if !nullable(re.Sub[i]) {
				break
			}
		}
		return s
	}
	var s charSet
	for _, sub := range re.Sub {
		s |= lastChars(sub)
	}
	return s
}

// nullable reports whether re can match the empty string.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if nullable(sub) {
				return true
			}
		}
	}
	return false
}

func hasAnchor(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
		return true
	}
	for _, sub := range re.Sub {
		if hasAnchor(sub) {
			return true
		}
	}
	return false
}

// shortest is a short string re matches, preferring letters.
func shortest(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		b := make([]byte, 0, len(re.Rune))
		for _, r := range re.Rune {
			if s := runeSet([]rune{r, r}, re.Flags&syntax.FoldCase != 0); s != 0 {
				b = append(b, s.first())
			} else {
				b = append(b, string(r)...)
			}
		}
		return string(b)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		if c := nodeChars(re).first(); c != 0 {
			return string(c)
		}
		return "_"
	case syntax.OpCapture, syntax.OpPlus:
		return shortest(re.Sub[0])
	case syntax.OpRepeat:
		return strings.Repeat(shortest(re.Sub[0]), re.Min)
	case syntax.OpConcat:
		s := ""
		for _, sub := range re.Sub {
			s += shortest(sub)
		}
		return s
	case syntax.OpAlternate:
		best := ""
		for i, sub := range re.Sub {
			if s := shortest(sub); i == 0 || len(s) < len(best) {
				best = s
			}
		}
		return best
	}
	return ""
}
