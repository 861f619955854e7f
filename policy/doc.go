// Package policy is the CORS engine of cors-wasm: pure Go, no proxy-wasm types,
// no fmt or os (it is linked into the .wasm).
//
// Configure time: ParseConfig decodes the JSON configuration strictly,
// Compile validates it (every error at once, each with its JSON path) and
// builds an immutable Set; Load does both. Request time: Set.Decide classifies
// a Request (no Origin, preflight, actual), applies the first policy whose
// match fits, and writes a Decision: a local reply, or the headers to add to
// the upstream's response. Decide allocates nothing; every header value it can
// is computed at compile time, and the request values it echoes are copied
// into the Decision.
//
// The rules it implements are those of the WHATWG Fetch Standard's CORS
// protocol and cors-rules.md; comments cite them.
package policy
