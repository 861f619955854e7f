package policy

// A local reply whose header lines depend only on the configuration, but for
// the request's Origin echoed in Access-Control-Allow-Origin, has a Shape:
// its lines are known at compile time, so a filter can encode them once for
// the host and fill in only the Origin per request, instead of encoding
// every line of every reply.

// Shape is the header lines of every local reply whose Decision.Shape is its
// id (Set.Shape): Fields, in the order Decision.Fields has them, where the
// value of Fields[Origin] is the request's Origin (and "" here). Origin is -1
// when every value is fixed (a policy that answers "*").
type Shape struct {
	Fields []Field
	Origin int
}

// Shape returns the shape whose id is id, 1 <= id <= Shapes().
func (s *Set) Shape(id int) Shape { return s.shapes[id-1] }

// Shapes is the number of shapes.
func (s *Set) Shapes() int { return len(s.shapes) }

// Shape is the id of the shape of d's local reply (see Set.Shape), or 0
// when some value other than the Origin depends on the request: an echoed
// method or header list, x-cors-reason, or no local reply at all.
func (d *Decision) Shape() int { return int(d.shape) }

// AllowOrigin is the value of the Origin line of a decision with a shape
// (Shape.Origin >= 0): the request's Origin, copied; "" otherwise.
func (d *Decision) AllowOrigin() string {
	if d.shaped == nil {
		return ""
	}
	return d.acao
}

// setShape gives d the shape id (0: none) and the value of its Origin line,
// and reports whether it did; the caller then writes no lines.
func (s *Set) setShape(d *Decision, id int32, acao string) bool {
	if id == 0 {
		return false
	}
	d.shape, d.shaped, d.acao = id, &s.shapes[id-1], acao
	return true
}

// shapes of one policy's replies, by id; 0 where the reply has no shape.
type policyShapes struct {
	preflight     [2]int32 // allowed preflight, without and with Access-Control-Allow-Private-Network
	preflightNo   int32    // rejected preflight, answered locally
	actualRefused int32    // actual request from a refused origin, answered locally
}

// compileShapes gives every policy's replies their shapes. The lines come
// from the functions Decide writes them with, on a scratch Decision, so a
// shape cannot differ from the replies it stands for.
func (s *Set) compileShapes() {
	var d Decision
	add := func(p *compiledPolicy, write func(*Decision)) int32 {
		d.reset()
		write(&d)
		sh := Shape{Fields: append([]Field(nil), d.Fields()...), Origin: -1}
		if !p.allowAll && len(sh.Fields) > 0 && sh.Fields[0].Name == hACAO {
			sh.Origin = 0
		}
		s.shapes = append(s.shapes, sh)
		return int32(len(s.shapes))
	}
	for _, p := range s.policies {
		if !p.echoMethod && !p.echoHeaders {
			for pna := range p.shapes.preflight {
				p.shapes.preflight[pna] = add(p, func(d *Decision) {
					p.allowedPreflightFields(d, p.allowedOrigin(""), p.acam, p.acah, pna == 1)
				})
			}
		}
		if s.debugHeaders {
			continue // x-cors-reason names the request's value
		}
		if p.rejectPreflight {
			p.shapes.preflightNo = add(p, p.refusedPreflightFields)
		}
		if p.rejectDisallowed {
			p.shapes.actualRefused = add(p, p.refusedActualFields)
		}
	}
}
