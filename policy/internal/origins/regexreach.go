package origins

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

// The trie is a searchTarget (regexsearch.go): start, step and final.
func (t *reachTrie) start() int       { return tStart }
func (t *reachTrie) final(s int) bool { return s == tScheme }

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
	rulesBelow(domain, func(host string, k ruleKind) {
		kind := [...]*[]bool{plainRule: &t.plain, wildcardRule: &t.wild, exceptionRule: &t.exc}[k]
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
	})
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
	w := rc.search(trie)
	if w == "" || !rc.allows(w) {
		return ""
	}
	if _, host, _, _ := splitOrigin(w); !outside(domain, host) {
		return ""
	}
	return w
}
