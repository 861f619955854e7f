package origins

import (
	"strconv"
	"strings"
)

// Two more things a sequence of an origin regex can get wrong, besides the
// domains it reaches (regexcheck.go): an optional part glued to the domain
// without a dot, and no origin at all.

// optionalJoined refuses a sequence in which a part the regex may leave out
// ((www|api)?, (www|)) starts a label of the host's registrable domain, or
// comes before it, and ends inside that label: ^https://(www|api)?example\.com$
// then also matches https://wwwexample.com, another registrable domain that
// anyone may own, where (www\.)? was meant. A part that only adds to the end
// of the label (^https://example(-eu)?\.com$) or lies in a subdomain label is
// written on purpose and stays allowed.
func (rc *regexChecker) optionalJoined(atoms []atom, h *hostShape) string {
	lit := atoms[h.open+1 : h.end] // the literal right end of the host, spelling h.tail
	t := h.tail
	var d string // the part of t that starts at a label boundary
	switch {
	case strings.HasPrefix(t, "."):
		d = t[1:]
	case h.fixed || h.open >= h.from && atoms[h.open].last != 0 && atoms[h.open].last.only("."):
		d = t
	case strings.IndexByte(t, '.') >= 0:
		d = t[strings.IndexByte(t, '.')+1:]
	}
	if d == "" || CheckHost(d, false) != "" {
		return ""
	}
	if _, ip := parseIPv4(d); ip {
		return ""
	}
	reg := registrableDomain(d)
	if reg == "" {
		return ""
	}
	rs := len(t) - len(reg)                // where the registrable domain starts in t
	re := rs + strings.IndexByte(reg, '.') // where its first label ends
	for m := rs; m < re-1; m++ {
		if !lit[m].optEnd {
			continue
		}
		startedBefore := true
		for k := rs + 1; k <= m; k++ {
			startedBefore = startedBefore && !lit[k].optStart
		}
		if !startedBefore {
			continue
		}
		w := rc.fill(atoms, -1, "")
		if !rc.allows(w) {
			w = ""
		}
		return "the optional part " + strconv.Quote(t[rs:m+1]) + " is joined to " + strconv.Quote(t[m+1:]) +
			" without a dot, which makes another registrable domain" + example(w) +
			": if it stands for a subdomain, end it with \\. as in (www\\.)?"
	}
	return ""
}

// canMatch reports whether an anchored sequence may match an origin the
// matcher lets regexes see (splitOrigin: lowercase scheme://host[:port]). It
// is exact for a sequence without pieces and errs towards true otherwise:
// false only when the string fill spells is no such origin and nothing can
// spell the "://" every origin has. The regex matches what fill spells (each
// piece is filled with a string it accepts), so no match is run.
func (rc *regexChecker) canMatch(atoms []atom) bool {
	fixed := true
	for i := range atoms {
		fixed = fixed && atoms[i].node == nil
	}
	w := rc.fill(atoms, -1, "")
	if _, _, _, ok := splitOrigin(w); ok && len(w) <= MaxOriginBytes || fixed {
		return ok && len(w) <= MaxOriginBytes
	}
	colon, slash := false, false
	for i := range atoms {
		a := &atoms[i]
		colon = colon || a.isLit(':') || a.node != nil && a.chars.has(':')
		slash = slash || a.isLit('/') || a.node != nil && a.chars.has('/')
	}
	return colon && slash
}

// neverMatches is the reason for a regex none of whose sequences can match
// an origin.
func (rc *regexChecker) neverMatches() string {
	reason := "can never match an origin (browsers send lowercase scheme://host[:port], and regexes only see origins of that form)"
	if rc.re.MatchString("null") {
		reason += `: the "null" origin can only be allowed in allow_origins, with dangerously_allow_null_origin`
	}
	return reason
}
