package policy

import "github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"

// Decide classifies r, applies the first policy whose match fits, and writes
// the outcome into d (which it resets first). It allocates nothing and its work
// is bounded by the limits in decision.go, whatever the request holds.
func (s *Set) Decide(r *Request, d *Decision) {
	d.reset()
	p := s.route(r)
	if p == nil || p.noCORS {
		// A no_cors policy ends the search and decides as no policy does:
		// the request and its response pass untouched.
		return
	}
	d.Policy, d.Name = p.index, p.name
	switch {
	case r.Origins == 0:
		s.noOrigin(p, d)
	case r.HasACRM && len(r.Method) == 7 && bytecmp.Equal4to8(r.Method, "OPTIONS"):
		s.preflight(p, r, d)
	default:
		s.actual(p, r, d)
	}
	if p.shadow {
		d.Shadow, d.WouldReject = true, !d.Allowed
		d.Reply, d.Respond, d.shape = false, false, 0
		d.Fields() // a shape's lines, written out: the decision keeps no shape
		d.shaped = nil
	}
}

// route returns the first policy whose match fits r, or nil.
func (s *Set) route(r *Request) *compiledPolicy {
	for _, p := range s.policies {
		if p.route.anyHost && p.route.anyPath || p.route.matches(r.Authority, r.Path) {
			return p
		}
	}
	return nil
}

// noOrigin: not a CORS request, but when the grant depends on Origin a shared
// cache must still key on it (Fetch, "CORS protocol and HTTP caches").
func (s *Set) noOrigin(p *compiledPolicy, d *Decision) {
	d.Kind, d.Counter = KindNoOrigin, CounterNoOrigin
	d.Respond = !p.allowAll
	d.VaryOrigin = !p.allowAll
}

// checkOrigin applies the origin rules shared by preflights and actual requests.
func checkOrigin(p *compiledPolicy, r *Request) Detail {
	one := r.Origins == 1 && len(r.Origin) <= MaxOriginBytes
	if one && !p.allowAll && p.origins.MatchExact(r.Origin) {
		// The common case first: one Origin line that is a configured exact
		// origin, which has no comma (compile refuses one), so the scan for
		// a joined value below is not needed.
		return DetailNone
	}
	switch {
	case r.Origins > 1 || bytecmp.HasByte(r.Origin, ','):
		// Browsers send one Origin, and a serialized origin has no comma.
		// Several lines, or the one comma-joined line Envoy makes of them
		// (wasmhost/inline.go), are refused alike, even by a policy that
		// allows every origin.
		return DetailOriginRepeated
	case len(r.Origin) > MaxOriginBytes:
		return DetailOriginTooLong
	case p.allowAll:
		return DetailNone
	case !p.origins.MatchInexact(r.Origin):
		// One line within the length limit by now, so the exact origins
		// were looked up above.
		return DetailOriginNotAllowed
	}
	return DetailNone
}

// grantOrigin writes ACAO (and ACAC) of an allowed actual request.
func (s *Set) grantOrigin(p *compiledPolicy, r *Request, d *Decision) {
	d.add(hACAO, p.allowedOrigin(d.copyValue(r.Origin)))
	if p.credentials {
		d.add(hACAC, "true")
	}
}

// allowedOrigin is the ACAO value: "*" for a policy that allows every origin
// without credentials, else the request's Origin (a copy the Decision owns).
func (p *compiledPolicy) allowedOrigin(origin string) string {
	if p.allowAll {
		return "*"
	}
	return origin
}

// actual handles a request with an Origin that is not a preflight.
func (s *Set) actual(p *compiledPolicy, r *Request, d *Decision) {
	d.Kind = KindActual
	d.VaryOrigin = !p.allowAll
	if detail := checkOrigin(p, r); detail != DetailNone {
		s.reject(p, r, d, detail)
		d.Counter = CounterActualDisallowed
		if p.rejectDisallowed {
			d.Reply, d.Status = true, 403
			if !s.setShape(d, p.shapes.actualRefused, "") {
				p.refusedActualFields(d)
				s.debug(d)
			}
			return
		}
		// The upstream's Access-Control-* lines go whatever
		// upstream_cors_headers says: with "keep", an upstream that reflects
		// Origin would otherwise grant the origin this policy refused.
		d.Respond, d.StripUpstream = true, true
		s.debug(d)
		return
	}
	d.Counter = CounterActualAllowed
	d.Respond, d.StripUpstream = true, p.stripUpstream
	s.grantOrigin(p, r, d)
	if p.aceh != "" {
		d.add(hACEH, p.aceh)
	}
}

// preflight handles OPTIONS + Origin + Access-Control-Request-Method, in the
// order of the Fetch CORS-preflight fetch: origin, method, headers, then
// Private Network Access.
func (s *Set) preflight(p *compiledPolicy, r *Request, d *Decision) {
	d.Kind = KindPreflight
	detail := checkOrigin(p, r)
	if detail == DetailNone {
		detail = checkMethod(p, r.ACRM)
		// Several lines, or the comma-joined one Envoy makes of them: never
		// a method, refused alike and named as such. (A comma is no token
		// byte: such a value was found malformed or too long.)
		if r.acrmRepeated || (detail == DetailMethodTooLong || detail == DetailMethodMalformed) && bytecmp.HasByte(r.ACRM, ',') {
			detail = DetailMethodRepeated
		}
	}
	acah := p.acah
	if detail == DetailNone {
		acah, detail = s.checkHeaders(p, r, d)
	}
	if detail == DetailNone && r.privateNetwork() && !p.privateNet {
		detail = DetailPrivateNetworkNotAllowed
	}
	if detail != DetailNone {
		s.reject(p, r, d, detail)
		d.Counter = CounterPreflightRejectedOrigin + Counter(d.Reason-ReasonOrigin)
		if p.rejectPreflight {
			// A failed preflight carries no Access-Control-Allow-* header at all
			// (invariant I6, docs/rules.md), only what caches and developers need.
			d.Reply, d.Status = true, 403
			if !s.setShape(d, p.shapes.preflightNo, "") {
				p.refusedPreflightFields(d)
				s.debug(d)
			}
		} else if d.Reason == ReasonOrigin || detail == DetailOriginTooLong {
			// Forwarded, the preflight is the upstream's to answer, but never
			// with a grant for an origin this policy refused.
			d.Respond, d.StripUpstream, d.VaryOrigin = true, true, !p.allowAll
		}
		return
	}
	d.Counter = CounterPreflightAllowed
	d.Reply, d.Status = true, p.preflightCode
	origin := p.allowedOrigin(d.copyValue(r.Origin))
	acam := p.acam
	if p.echoMethod {
		// Echoed even when safelisted: Gateway API expects the method back.
		acam = d.copyValue(r.ACRM)
	}
	pna := r.privateNetwork()
	id := p.shapes.preflight[0]
	if pna {
		id = p.shapes.preflight[1]
	}
	if !s.setShape(d, id, origin) {
		p.allowedPreflightFields(d, origin, acam, acah, pna)
	}
}

// allowedPreflightFields writes the lines of an allowed preflight's reply;
// "" leaves a value's line out. compileShapes writes shapes with it too.
func (p *compiledPolicy) allowedPreflightFields(d *Decision, origin, acam, acah string, pna bool) {
	d.add(hACAO, origin)
	if p.credentials {
		d.add(hACAC, "true")
	}
	if acam != "" {
		d.add(hACAM, acam)
	}
	if acah != "" {
		d.add(hACAH, acah)
	}
	if p.aceh != "" {
		// Browsers ignore it on a preflight; Gateway API's conformance
		// expects it there, and it costs one precomputed line.
		d.add(hACEH, p.aceh)
	}
	if p.acma != "" {
		d.add(hACMA, p.acma)
	}
	if pna {
		d.add(hACAPN, "true")
	}
	d.add(hVary, p.preflightVary)
}

// refusedPreflightFields writes the lines of a rejected preflight's reply: a
// failed preflight carries no Access-Control-Allow-* header at all
// (invariant I6, docs/rules.md), only what caches need (x-cors-reason comes after).
func (p *compiledPolicy) refusedPreflightFields(d *Decision) { d.add(hVary, p.preflightVary) }

// refusedActualFields writes the lines of the local reply to an actual
// request from a refused origin (on_disallowed_origin "reject").
func (p *compiledPolicy) refusedActualFields(d *Decision) { d.add(hVary, "Origin") }

// reject records a rejection and the request value it names.
func (s *Set) reject(p *compiledPolicy, r *Request, d *Decision, detail Detail) {
	d.Allowed, d.Detail = false, detail
	d.Reason = detailReason[detail]
	d.refuseFrom(r)
}

// debug adds x-cors-reason when the configuration asks for it: the detail
// and the refused value, escaped and bounded (refused.go), written into the
// decision's buffer so that nothing is allocated.
func (s *Set) debug(d *Decision) {
	if s.debugHeaders {
		start := d.nbuf
		d.nbuf += len(d.AppendDetail(d.buf[start:start:len(d.buf)]))
		d.add(hDebug, d.view(start))
	}
}

var detailReason = [...]Reason{
	DetailNone:                     ReasonNone,
	DetailOriginNotAllowed:         ReasonOrigin,
	DetailOriginRepeated:           ReasonOrigin,
	DetailOriginTooLong:            ReasonLimits,
	DetailMethodNotAllowed:         ReasonMethod,
	DetailMethodMalformed:          ReasonMethod,
	DetailMethodForbidden:          ReasonMethod,
	DetailHeaderNotAllowed:         ReasonHeaders,
	DetailHeaderMalformed:          ReasonHeaders,
	DetailAuthorizationNotNamed:    ReasonHeaders,
	DetailHeadersTooLong:           ReasonLimits,
	DetailTooManyHeaders:           ReasonLimits,
	DetailPrivateNetworkNotAllowed: ReasonPrivateNetwork,
	DetailMethodTooLong:            ReasonLimits,
	DetailMethodRepeated:           ReasonMethod,
}

// checkMethod: ACRM is a method token compared byte-exact; the safelisted
// methods always pass, forbidden ones never do.
func checkMethod(p *compiledPolicy, m string) Detail {
	if n := len(m); n >= 3 && n <= 8 {
		// The common case without a loop: a safelisted or listed method,
		// each a token (compile checks the listed ones), compared packed
		// into one integer (Fetch "CORS-safelisted method": GET, HEAD, POST).
		k := bytecmp.PackShort(m)
		if n == 3 && k == packedGET || n == 4 && (k == packedHEAD || k == packedPOST) {
			return DetailNone
		}
		for _, x := range p.packedMethods {
			if x.n == n && x.key == k {
				return DetailNone
			}
		}
	}
	if len(m) > MaxMethodBytes {
		return DetailMethodTooLong // a limit, as README's request limits say
	}
	if !isToken(m) {
		return DetailMethodMalformed
	}
	if isSafelistedMethod(m) {
		return DetailNone
	}
	if isForbiddenMethod(m) {
		return DetailMethodForbidden
	}
	if p.anyMethod {
		if bytecmp.HasByte(m, '*') {
			// Echoed, a "*" would read as a wildcard (and with credentials
			// break invariant I4 of docs/rules.md); no real method has one.
			return DetailMethodNotAllowed
		}
		return DetailNone
	}
	if len(p.methodList) <= bytecmp.SmallSet {
		if bytecmp.InList(p.methodList, m) {
			return DetailNone
		}
		return DetailMethodNotAllowed
	}
	if _, ok := p.methods[m]; ok {
		return DetailNone
	}
	return DetailMethodNotAllowed
}

// packedMethod is a method of at most 8 bytes packed by packShort.
type packedMethod struct {
	n   int
	key uint64
}

var (
	packedGET  = bytecmp.PackShort("GET")
	packedHEAD = bytecmp.PackShort("HEAD")
	packedPOST = bytecmp.PackShort("POST")
)
