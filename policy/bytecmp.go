package policy

// Byte comparisons for the request path. Compiled to wasm, Go's string
// comparison and strings.IndexByte are runtime calls (memequal and memeqbody,
// IndexByteString and memchr) even for a three-byte constant, and a map
// lookup hashes through four; in the guest every call costs more than the
// loop (issue 14 counts wasm calls per stream). These loops inline.

// Equal reports whether a and b hold the same bytes, as a loop that inlines
// (the filter uses it too, for response header names).
func Equal(a, b string) bool {
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

// equalBytes is equal for a byte slice, without converting it.
func equalBytes(a []byte, b string) bool {
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

// hasByte reports whether s contains c.
func hasByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// smallSet is the size up to which a list is compared element by element
// instead of hashed.
const smallSet = 8

// inList reports whether s is one of list (a short list: see smallSet).
func inList(list []string, s string) bool {
	for _, x := range list {
		if Equal(x, s) {
			return true
		}
	}
	return false
}
