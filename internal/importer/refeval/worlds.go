package refeval

// Worlds are the ways the source of m may answer, as far as its files
// say: an import must grant no more than any of them. Gateway API
// implementations differ on falling back to less specific hostnames, and
// routes or VirtualServices without creation times may have been created
// in either order, and Envoy changed how it answers a lone "*" in
// allow_methods and allow_headers in 1.22.
func Worlds(m *Manifests) []Server {
	var out []Server
	switch {
	case len(m.HTTPRoutes) > 0:
		for _, fall := range []bool{false, true} {
			for _, rev := range []bool{false, true} {
				out = append(out, GatewayAPI{M: m, FallThrough: fall, Reverse: rev}.Serve)
			}
		}
	case len(m.VirtualServices) > 0:
		for _, lit := range []bool{false, true} {
			out = append(out, Istio{M: m, Literal: lit}.Serve, Istio{M: m, Reverse: true, Literal: lit}.Serve)
		}
	case len(m.Routes) > 0:
		out = append(out, Envoy{RC: m.Routes[0]}.Serve, Envoy{RC: m.Routes[0], Literal: true}.Serve)
	}
	return out
}
