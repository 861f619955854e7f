// Package policy is the CORS engine of cors-wasm: pure Go, no proxy-wasm types,
// no fmt or os (it is linked into the .wasm).
//
// # Configure time
//
// Load decodes a JSON configuration strictly, validates it and compiles it
// into an immutable Set; ParseConfig and Compile are its two halves. A
// refused configuration yields Errors: every problem at once, each an *Error
// with its ErrorKind (UnknownKey, UnsafeOrigin, ...), its location (Policy,
// Field, Elem; Path renders them as policies[0].allow_origins[1]), the
// offending Value and the Reason. No Set is returned then: a configuration
// applies whole or not at all.
//
//	set, err := policy.Load(configJSON)
//	var errs policy.Errors
//	if errors.As(err, &errs) {
//		for _, e := range errs {
//			fmt.Println(e.Kind, e.Path(), e.Reason) // or act on e.Policy, e.Field, e.Elem
//		}
//	}
//
// # Request time
//
// Fill a Request (Reset, then AddHeader for each request header line, or set
// its fields), and Set.Decide writes a Decision: a local reply (Reply,
// Status, Fields), or the headers to add to the upstream's response
// (Respond, Fields, StripUpstream, VaryOrigin), with the Reason and the
// Counter a rejection moves. Decide allocates nothing: every header value it
// can is computed at compile time, and the request values it echoes are
// copied into the Decision, so one Decision per stream can outlive the
// request's header memory.
//
//	var r policy.Request
//	r.Reset()
//	r.AddHeader(":method", "GET")
//	r.AddHeader("origin", "https://app.example.com")
//	var d policy.Decision
//	set.Decide(&r, &d)
//
// # Host bindings
//
// A proxy filter that wants to do as little per request as the engine
// allows can ask the Set what a request needs: HeaderNames (the only header
// lines AddHeader has to see), NeedsRoute (whether :authority and :path can
// change the decision; when not, a request without Origin is decided once),
// and Shape (the lines of a local reply that depend on the configuration
// only, all but the echoed Origin, so a binding encodes them once).
// StrippedHeaders names the upstream lines StripUpstream removes.
//
// # Inside
//
// The work behind this surface is in internal packages: internal/strictjson
// (the strict JSON decoder), internal/origins (origin patterns, IP literals,
// the Public Suffix List table, the allow_origin_regexes checker and its work
// budget, and the origin matcher), internal/bytecmp (byte comparisons that
// inline on the request path) and internal/quote (escaped values in errors).
//
// The rules it implements are those of the WHATWG Fetch Standard's CORS
// protocol (https://fetch.spec.whatwg.org/#http-cors-protocol), numbered in
// the repository's docs/rules.md; comments cite them by number (R1, I3).
package policy
