package origins

// With allow_credentials, a regex must not match a plain-http origin on a host
// that is not loopback (anyone on the network path can impersonate it). The
// per-case check (plainHTTP) reads the scheme and finds realistic examples,
// but it reads cases: a scheme or "://" spelled with repetitions
// (^ht*p://*host$) escapes it. This search is the proof: the product of the
// regex's program and an automaton of every origin a browser can send with
// scheme http and a host that is not loopback (isLoopbackHost), read right to
// left. What a browser sends is exact here: a domain whose last label is not
// all digits, a canonical IPv4 address (four parts of 0-255, no leading zero),
// or an IPv6 literal in brackets, and a port of 1-65535 without a leading
// zero; localhost, *.localhost, 127.0.0.0/8 and [::1] are loopback.

// httpState is one state of the automaton. Reading right to left, an origin
// is: the port (optional), the host, then "//:ptth".
type httpState struct {
	phase uint8
	n     uint8 // bytes of the port, or of the host's current label, read so far
	cmp   uint8 // those digits against the same-length end of the limit ("65535", "255"): less, equal, greater
	zero  bool  // the last digit read was 0 (the leftmost one, at the field's end)
	// the host
	lh      uint8 // bytes of "localhost" matched from the host's end (0-9), or lhSub, lhNo
	digits  bool  // the current label is all digits so far
	first   bool  // the current label is the host's last one
	numeric bool  // the host's last label is all digits: the host must be an IPv4 address
	dots    uint8 // dots read in the host
	is127   bool  // the current label so far is the same-length end of "127"
}

const (
	phStart     = iota // nothing read: a port or the host's last byte
	phPort             // inside the port
	phHostStart        // ':' before the port read: the host's last byte comes
	phHost             // inside a domain or IPv4 host
	phV6               // inside "[...]" (']' read); n counts the bytes of "]1::[" matched, 5 when not
	phV6Open           // '[' read
	phSlash            // the host's first byte read, then one '/'
	phSlashes          // "//" read
	phColon            // "://" read
	phP                // "p://"
	phT                // "tp://"
	phTT               // "ttp://"
	phH                // "http://": the origin is complete
	phDead
)

const (
	lhSub = 10 // ".localhost" ends the host
	lhNo  = 11 // the host does not end in localhost
	less  = 0
	equal = 1
	more  = 2
)

const (
	localhostRev       = "tsohlacol" // "localhost" read right to left
	localhostLen uint8 = 9
)

// httpTarget interns the states it hands out as ints, for shortestMatch.
type httpTarget struct {
	ids    map[uint32]int // by packed state: a map keyed by the struct costs the .wasm its hash functions
	states []httpState
}

func newHTTPTarget() *httpTarget { return &httpTarget{ids: map[uint32]int{}} }

func (t *httpTarget) id(s httpState) int {
	key := s.pack()
	if i, ok := t.ids[key]; ok {
		return i
	}
	t.ids[key] = len(t.states)
	t.states = append(t.states, s)
	return len(t.states) - 1
}

// pack is s as one integer: every field fits in a few bits.
func (s httpState) pack() uint32 {
	b := func(v bool) uint32 {
		if v {
			return 1
		}
		return 0
	}
	return uint32(s.phase) | uint32(s.n)<<4 | uint32(s.cmp)<<7 | b(s.zero)<<9 | uint32(s.lh)<<10 |
		b(s.digits)<<14 | b(s.first)<<15 | b(s.numeric)<<16 | uint32(s.dots)<<17 | b(s.is127)<<20
}

func (t *httpTarget) start() int       { return t.id(httpState{phase: phStart}) }
func (t *httpTarget) final(s int) bool { return t.states[s].phase == phH }

func (t *httpTarget) step(i int, c byte, out []int) []int {
	s := t.states[i]
	for _, n := range [2]httpState{s.next(c, false), s.next(c, true)} {
		if n.phase != phDead {
			out = append(out, t.id(n))
		}
	}
	return out
}

// hostStart is the state before the host's last byte.
var hostStart = httpState{phase: phHost, first: true, digits: true, is127: true, cmp: equal}

// next is the state after reading c. From phStart a digit can be the port's
// or the host's: alt asks for the host's reading; every other byte and state
// has one reading, given when alt is false.
func (s httpState) next(c byte, alt bool) httpState {
	digit := c >= '0' && c <= '9'
	switch {
	case s.phase == phStart && digit && !alt:
		return httpState{phase: phPort, n: 1, cmp: compareDigit(c, "65535", 0, equal), zero: c == '0'}
	case s.phase == phStart && (digit || !alt):
		return hostStart.host(c)
	case alt:
	case s.phase == phPort && digit && s.n < 5:
		return httpState{phase: phPort, n: s.n + 1, cmp: compareDigit(c, "65535", int(s.n), s.cmp), zero: c == '0'}
	case s.phase == phPort && c == ':' && !s.zero && (s.n < 5 || s.cmp != more):
		return httpState{phase: phHostStart}
	case s.phase == phHostStart:
		return hostStart.host(c)
	case s.phase == phHost:
		return s.host(c)
	case s.phase == phV6 && (digit || c >= 'a' && c <= 'f' || c == ':' || c == '.'):
		if s.n < 4 && c == "]1::["[s.n] {
			return httpState{phase: phV6, n: s.n + 1}
		}
		return httpState{phase: phV6, n: 5}
	case s.phase == phV6 && c == '[' && s.n != 1 && s.n != 4: // not "[]", not "[::1]"
		return httpState{phase: phV6Open}
	case s.phase == phV6Open && c == '/':
		return httpState{phase: phSlash}
	case s.phase >= phSlash && s.phase < phH && c == "/:ptth"[s.phase-phSlash]:
		return httpState{phase: s.phase + 1}
	}
	return httpState{phase: phDead}
}

// host reads c inside a domain or IPv4 host (or as its last byte, from
// hostStart).
func (s httpState) host(c byte) httpState {
	dead := httpState{phase: phDead}
	digit := c >= '0' && c <= '9'
	switch {
	case c == ']' && s.first && s.n == 0:
		return httpState{phase: phV6, n: 1}
	case isLabelByte(c):
		if s.numeric && !digit {
			return dead
		}
		switch {
		case s.lh < localhostLen && c == localhostRev[s.lh] && s.first:
			s.lh++
		case s.lh != lhSub:
			s.lh = lhNo
		}
		s.is127 = s.is127 && s.n < 3 && c == "721"[s.n]
		s.digits = s.digits && digit
		if digit && s.n < 3 {
			s.cmp = compareDigit(c, "255", int(s.n), s.cmp)
		}
		s.zero = c == '0'
		s.n = min(s.n+1, 4)
		return s.canon()
	case c == '.' || c == '/':
		if s.n == 0 {
			return dead // an empty label
		}
		if s.first && s.digits {
			s.numeric = true // the last label is a number: browsers send an IPv4 address
		}
		if s.numeric && (!s.digits || s.n > 3 || s.n > 1 && s.zero || s.n == 3 && s.cmp == more) {
			return dead // not a part of a canonical IPv4 address
		}
		if c == '/' {
			loopback := s.lh == localhostLen || s.lh == lhSub || s.numeric && s.is127 && s.n == 3
			if loopback || s.numeric && s.dots != 3 {
				return dead
			}
			return httpState{phase: phSlash}
		}
		if s.numeric && s.dots == 3 {
			return dead
		}
		if s.lh == localhostLen || s.lh == lhSub {
			s.lh = lhSub
		} else {
			s.lh = lhNo
		}
		s.dots = min(s.dots+1, 4)
		s.first, s.digits, s.is127, s.n, s.cmp, s.zero = false, true, true, 0, equal, false
		return s.canon()
	}
	return dead
}

// canon forgets what can no longer change the outcome, so that hosts that
// differ only there share a state and the search visits fewer: in a domain
// (the last label is not a number) all that matters is the localhost suffix
// and whether the current label is empty; the last label, while it may still
// be a number, needs no is127 (it would be the fourth octet).
func (s httpState) canon() httpState {
	switch {
	case !s.numeric && (!s.first || !s.digits):
		s.n, s.cmp, s.zero, s.is127, s.digits, s.dots = min(s.n, 1), equal, false, false, !s.first, 0
	case s.first:
		s.is127 = false
	}
	return s
}

// compareDigit compares a number's digits read right to left with the limit
// of the same length: c is the digit at position i from the right, prev the
// comparison of the digits to its right with the limit's.
func compareDigit(c byte, limit string, i int, prev uint8) uint8 {
	if i >= len(limit) {
		return more
	}
	switch l := limit[len(limit)-1-i]; {
	case c < l:
		return less
	case c > l:
		return more
	}
	return prev
}

// httpReach is the proof behind plainHTTP: a plain-http origin on a host that
// is not loopback which the whole regex matches, or "" when there is none (or
// the budget ran out, which the caller reports).
func (rc *regexChecker) httpReach() string {
	if rc.budget < 0 {
		return ""
	}
	w := rc.search(newHTTPTarget())
	if w == "" || !rc.allows(w) || isLoopbackOrigin(w) {
		return ""
	}
	return w
}
