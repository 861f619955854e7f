package filter

import (
	"unsafe"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
	"github.com/cors-wasm/cors-wasm/policy"
)

// stream is one HTTP stream. It decides at request headers and latches the
// decision, which owns copies of everything it echoes: the response phase
// never reads the request again and nothing points into host memory across
// callbacks (CVE-2023-35943: another filter may remove Origin in between).
type stream struct {
	types.DefaultHttpContext
	plugin   *pluginContext
	req      policy.Request
	decision policy.Decision
	decided  bool
	noOrigin bool             // decided by the no-Origin fast path: the plugin's noOriginDecision applies
	lines    []abi.HeaderPair // reused for local replies
	vary     []byte           // reused to merge the upstream's Vary lines
}

// OnHttpRequestHeaders classifies and decides; preflights and rejections are
// answered here with a local reply.
func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	p := s.plugin
	if p.set == nil {
		return types.ActionContinue
	}
	// Most requests carry no Origin. One lookup that finds nothing costs no
	// allocation in the guest; only CORS requests (or routed policies) read
	// every header line, which they need for repeated Origin and ACRH lines.
	_, hasOrigin, err := p.host.RequestHeader("origin")
	if err != nil {
		p.host.Log(abi.LogError, "cors-wasm: cannot read request headers: "+err.Error())
		return types.ActionContinue
	}
	if !hasOrigin && p.fastNoOrigin {
		s.decideNoOrigin()
		return types.ActionContinue
	}
	s.req.Reset()
	if hasOrigin || p.needsRoute {
		// Only the lines a decision reads (p.requestLines), about 4 of 10.
		pairs, err := p.host.RequestHeaders(p.requestLines)
		if err != nil {
			p.host.Log(abi.LogError, "cors-wasm: cannot read request headers: "+err.Error())
			return types.ActionContinue
		}
		for i := range pairs {
			s.req.AddHeader(pairs[i].Name, pairs[i].Value)
		}
	}
	d := &s.decision
	p.set.Decide(&s.req, d) // s.req views host memory: nothing reads it past here
	s.decided = true
	if d.Kind == policy.KindNone {
		if hasOrigin {
			// A CORS request no policy covers passes untouched: counted apart
			// from refused origins, since the fix is a different one.
			_ = p.host.IncrementCounter(p.noPolicy, 1)
		}
		return types.ActionContinue
	}
	p.count(d.Policy, d.Counter)
	if d.WouldReject {
		p.count(d.Policy, policy.CounterShadowWouldReject)
	}
	if !d.Allowed {
		s.logRejection()
	}
	if !d.Reply {
		return types.ActionContinue
	}
	// The reply's lines were encoded at configure time when it has a shape:
	// only the Origin is copied in. Otherwise they are encoded now.
	if id := d.Shape(); id != 0 {
		err = p.host.SendReply(uint32(d.Status), replyDetails[d.Reason], p.replies[id-1], d.AllowOrigin())
	} else {
		err = s.sendLines(d)
	}
	if err != nil {
		p.host.Log(abi.LogError, "cors-wasm: cannot send the local reply: "+err.Error())
		return types.ActionContinue
	}
	return types.ActionPause
}

// sendLines answers the request with d's local reply, encoded now.
func (s *stream) sendLines(d *policy.Decision) error {
	p := s.plugin
	s.lines = s.lines[:0]
	for _, f := range d.Fields() {
		s.lines = append(s.lines, abi.HeaderPair{Name: f.Name, Value: f.Value})
	}
	return p.host.SendLocalReply(uint32(d.Status), replyDetails[d.Reason], s.lines)
}

// decideNoOrigin is the fast path for the commonest stream, a request
// without Origin when no policy routes by host or path (fastNoOrigin): its
// decision does not depend on the request, so it was made once at configure
// time (pluginContext.noOriginDecision) and is only counted here (RATIONALE.md).
func (s *stream) decideNoOrigin() {
	s.decided, s.noOrigin = true, true
	s.plugin.host.Count(s.plugin.noOriginCounter)
}

// replyDetails name local replies in Envoy's access log (%RESPONSE_CODE_DETAILS%).
var replyDetails = [...]string{
	policy.ReasonNone:           "cors_preflight",
	policy.ReasonOrigin:         "cors_rejected_origin",
	policy.ReasonMethod:         "cors_rejected_method",
	policy.ReasonHeaders:        "cors_rejected_headers",
	policy.ReasonPrivateNetwork: "cors_rejected_private_network",
	policy.ReasonLimits:         "cors_rejected_limits",
}

// logRejection writes one debug line per rejection; request values are
// escaped and bounded (CVE-2024-1681), and nothing is built unless debug is on.
func (s *stream) logRejection() {
	h := s.plugin.host
	if !h.LogEnabled(abi.LogDebug) {
		return
	}
	d := &s.decision
	detail := string(d.AppendDetail(nil)) // names the refused value, escaped and bounded
	msg := "cors-wasm: policy " + d.Name + ": " + d.Kind.String() + " rejected: " + detail
	if d.Shadow {
		msg = "cors-wasm: policy " + d.Name + " (shadow): " + d.Kind.String() + " would be rejected: " + detail
	}
	h.Log(abi.LogDebug, msg)
}

// OnHttpResponseHeaders applies the latched decision to the upstream's response.
func (s *stream) OnHttpResponseHeaders(int, bool) types.Action {
	d := &s.decision
	if s.noOrigin {
		d = &s.plugin.noOriginDecision // read-only, shared by every such stream
	}
	if !s.decided || !d.Respond {
		return types.ActionContinue
	}
	h := s.plugin.host
	var present uint32 // bit i: strippedHeaders[i] is in the response
	varyCovered := false
	readAll := d.StripUpstream
	if !readAll && d.VaryOrigin {
		// Usually the upstream sends no Vary: one lookup that finds nothing
		// is enough. Otherwise every Vary line must be read.
		_, found, err := h.ResponseHeader("vary")
		if err != nil {
			h.Log(abi.LogError, "cors-wasm: cannot read response headers: "+err.Error())
			return types.ActionContinue
		}
		readAll = found
	}
	if readAll {
		s.vary = s.vary[:0]
		pairs, err := h.ResponseHeaders(responseLines)
		if err != nil {
			h.Log(abi.LogError, "cors-wasm: cannot read response headers: "+err.Error())
			return types.ActionContinue
		}
		for _, l := range pairs {
			if sameName(l.Name, "vary") {
				varyCovered = varyCovered || varyNames(l.Value, "origin")
				if len(s.vary) > 0 {
					s.vary = append(s.vary, ", "...)
				}
				s.vary = append(s.vary, l.Value...)
			}
			for i, name := range strippedHeaders {
				if sameName(l.Name, name) {
					present |= 1 << i
				}
			}
		}
	}
	if d.StripUpstream {
		for i, name := range strippedHeaders {
			if present&(1<<i) != 0 {
				h.RemoveResponseHeader(name)
			}
		}
	}
	for _, f := range d.Fields() {
		// After stripping, adding is enough; otherwise replace, so the
		// response carries one line per header (invariant I3, docs/rules.md).
		if d.StripUpstream {
			h.AddResponseHeader(f.Name, f.Value)
		} else {
			h.ReplaceResponseHeader(f.Name, f.Value)
		}
	}
	if d.VaryOrigin && !varyCovered {
		// One merged line, whatever the host's "add" does with an existing
		// name (RATIONALE.md): the upstream's values stay, Origin joins them.
		if !readAll || len(s.vary) == 0 { // (s.vary is this response's only when readAll)
			h.AddResponseHeader("vary", "Origin")
		} else {
			s.vary = append(s.vary, ", Origin"...)
			h.ReplaceResponseHeader("vary", unsafe.String(&s.vary[0], len(s.vary)))
		}
	}
	return types.ActionContinue
}

// Reset makes a finished stream context ready for the next stream, as
// NewHttpContext makes one (internal/abi calls it when it reuses the
// context). The decision and the buffers keep their memory; decided being
// false is what makes their old contents unread.
func (s *stream) Reset() {
	s.decided, s.noOrigin = false, false
}

// responseLines are the response header lines OnHttpResponseHeaders reads.
var responseLines = abi.NewLineFilter(append([]string{"vary"}, strippedHeaders[:]...)...)

// strippedHeaders are the upstream CORS headers a decision may strip.
var strippedHeaders = policy.StrippedHeaders()

// sameName reports whether two header names hold the same bytes, as a loop
// that inlines: in the wasm guest, Go's string comparison is a runtime call.
func sameName(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// varyNames reports whether a Vary value lists token (case-insensitively) or "*".
func varyNames(value, token string) bool {
	for i := 0; i < len(value); {
		for i < len(value) && (value[i] == ' ' || value[i] == '\t' || value[i] == ',') {
			i++
		}
		j := i
		for j < len(value) && value[j] != ',' {
			j++
		}
		t := value[i:j]
		for len(t) > 0 && (t[len(t)-1] == ' ' || t[len(t)-1] == '\t') {
			t = t[:len(t)-1]
		}
		if t == "*" || equalFoldASCII(t, token) {
			return true
		}
		i = j
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

var _ abi.Reusable = (*stream)(nil)
