package policy

import "unsafe"

// Byte comparisons for the request path. Compiled to wasm, Go's string
// comparison and strings.IndexByte are runtime calls even for a three-byte
// constant, and a byte loop costs about 1.4 ns a byte in V8 and 3.6 in wazero
// (measured on 78 bytes): so short strings are compared with loops that
// inline, and long ones 8 bytes at a time, one load per word.

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

// word returns the 8 bytes of s at i as one integer, in the machine's byte
// order: the same on both sides of a comparison. i+8 <= len(s).
func word(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// word4 returns the 4 bytes of s at i as one integer, in the machine's byte
// order. i+4 <= len(s).
func word4(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// equal4to8 reports whether a and b, of the same length n, 4 <= n <= 8, hold
// the same bytes: two overlapping 4-byte loads, no loop.
func equal4to8(a, b string) bool {
	n := len(a)
	return word4(a, 0) == word4(b, 0) && word4(a, n-4) == word4(b, n-4)
}

// packShort packs s, of 3 to 8 bytes, into one integer without a loop;
// with its length, the integer identifies s.
func packShort(s string) uint64 {
	if n := len(s); n >= 4 {
		return uint64(word4(s, 0)) | uint64(word4(s, n-4))<<32
	}
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16
}

// equalWords reports whether a and b, of the same length n >= 8, hold the
// same bytes, comparing 8 at a time; the last word overlaps the one before.
func equalWords(a, b string, n int) bool {
	for i := 0; i < n-8; i += 8 {
		if word(a, i) != word(b, i) {
			return false
		}
	}
	return word(a, n-8) == word(b, n-8)
}

// equalString is Equal for strings that may be long.
func equalString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) >= 8 {
		return equalWords(a, b, len(a))
	}
	return Equal(a, b)
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
