package policy

import "unsafe"

// maxDecisionLines bounds the header lines of one decision.
const maxDecisionLines = 10

// Field is one response header line of a decision. Value may view the
// Decision's own buffer: it is valid until the Decision is reused.
type Field struct {
	Name, Value string
}

// Decision is the outcome of Decide for one request. It owns copies of every
// request value it echoes (never views into the caller's memory), so a filter
// can keep it in its stream context from the request phase to the response
// phase (CVE-2023-35943). Reuse one Decision per stream through a pointer; do
// not copy it, as Field values view its buffer.
type Decision struct {
	Kind   Kind
	Policy int    // index of the policy that applies, -1 when none
	Name   string // the policy's name, "" when none
	// Allowed is true when the request passes CORS (or is not a CORS request).
	Allowed bool
	Reason  Reason
	Detail  Detail
	// Counter is the counter this request moves.
	Counter Counter
	// Shadow: the policy is in shadow mode; Reply and Respond are false and
	// WouldReject tells what enforce mode would have done.
	Shadow      bool
	WouldReject bool

	// Reply: answer locally with Status and Fields; the upstream is not called.
	Reply  bool
	Status int
	// Respond: on the upstream response, remove the upstream's Access-Control-*
	// headers when StripUpstream, write Fields, and merge "Origin" into Vary
	// when VaryOrigin.
	Respond       bool
	StripUpstream bool
	VaryOrigin    bool

	fields  [maxDecisionLines]Field
	nf      int
	shape   int32                               // see Shape
	shaped  *Shape                              // the shape whose lines Fields writes on demand (Decide skips them)
	acao    string                              // with shaped: the value of its Origin line
	buf     [maxEchoBytes + maxDetailBytes]byte // echoed values; x-cors-reason of a rejection (which echoes nothing)
	nbuf    int
	refused refused
}

// Fields are the header lines to send: of the local reply when Reply, else of
// the response when Respond. The lines of a reply with a shape are written
// here, on the first call, rather than by Decide: a filter that sends the
// shape's encoded lines never asks for them.
func (d *Decision) Fields() []Field {
	if d.shaped != nil && d.nf == 0 {
		d.nf = copy(d.fields[:], d.shaped.Fields)
		if d.shaped.Origin >= 0 {
			d.fields[d.shaped.Origin].Value = d.acao
		}
	}
	return d.fields[:d.nf]
}

// reset clears d for a new request. It assigns field by field: zeroing the
// whole struct would clear the echo buffer (kilobytes) on every request.
func (d *Decision) reset() {
	d.Kind, d.Policy, d.Name = KindNone, -1, ""
	d.Allowed, d.Reason, d.Detail, d.Counter = true, ReasonNone, DetailNone, CounterNoOrigin
	d.Shadow, d.WouldReject = false, false
	d.Reply, d.Status = false, 0
	d.Respond, d.StripUpstream, d.VaryOrigin = false, false, false
	d.nf, d.nbuf, d.shape, d.shaped = 0, 0, 0, nil
	d.refused.n, d.refused.set, d.refused.cut = 0, false, false
}

func (d *Decision) add(name, value string) {
	d.fields[d.nf] = Field{name, value}
	d.nf++
}

// copyValue copies s into the decision's own buffer and returns a view of the
// copy. The caller guarantees room (limits are checked before).
func (d *Decision) copyValue(s string) string {
	start := d.nbuf
	d.nbuf += copy(d.buf[start:], s)
	return d.view(start)
}

// view returns the bytes written to the buffer since start as a string.
func (d *Decision) view(start int) string {
	if d.nbuf == start {
		return ""
	}
	return unsafe.String(&d.buf[start], d.nbuf-start)
}

// StrippedHeaders returns the upstream response headers a Decision with
// StripUpstream removes (upstream_cors_headers "replace"): a proxy and an
// upstream that both grant CORS make the browser see two ACAO values. The
// names are lowercase, as hosts hand header names over.
func StrippedHeaders() [7]string { return strippedHeaders }

var strippedHeaders = [7]string{
	"access-control-allow-origin",
	"access-control-allow-credentials",
	"access-control-allow-methods",
	"access-control-allow-headers",
	"access-control-allow-private-network",
	"access-control-expose-headers",
	"access-control-max-age",
}
