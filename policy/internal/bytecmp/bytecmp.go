// Package bytecmp holds the byte comparisons of the engine's request path.
// Compiled to wasm, Go's string comparison and strings.IndexByte are runtime
// calls even for a three-byte constant, and a byte loop costs about 1.4 ns a
// byte in V8 and 3.6 in wazero (measured on 78 bytes): so short strings are
// compared with loops that inline, and long ones 8 bytes at a time, one load
// per word. Every function here is small enough to inline at its call site.
package bytecmp

import "unsafe"

// Equal reports whether a and b hold the same bytes, as a loop that inlines.
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

// Word returns the 8 bytes of s at i as one integer, in the machine's byte
// order: the same on both sides of a comparison. i+8 <= len(s).
func Word(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// Word4 returns the 4 bytes of s at i as one integer, in the machine's byte
// order. i+4 <= len(s).
func Word4(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// Equal4to8 reports whether a and b, of the same length n, 4 <= n <= 8, hold
// the same bytes: two overlapping 4-byte loads, no loop.
func Equal4to8(a, b string) bool {
	n := len(a)
	return Word4(a, 0) == Word4(b, 0) && Word4(a, n-4) == Word4(b, n-4)
}

// PackShort packs s, of 3 to 8 bytes, into one integer without a loop;
// with its length, the integer identifies s.
func PackShort(s string) uint64 {
	if n := len(s); n >= 4 {
		return uint64(Word4(s, 0)) | uint64(Word4(s, n-4))<<32
	}
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16
}

// EqualWords reports whether a and b, of the same length n >= 8, hold the
// same bytes, comparing 8 at a time; the last Word overlaps the one before.
func EqualWords(a, b string, n int) bool {
	for i := 0; i < n-8; i += 8 {
		if Word(a, i) != Word(b, i) {
			return false
		}
	}
	return Word(a, n-8) == Word(b, n-8)
}

// EqualString is Equal for strings that may be long.
func EqualString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) >= 8 {
		return EqualWords(a, b, len(a))
	}
	return Equal(a, b)
}

// EqualBytes is Equal for a byte slice, without converting it.
func EqualBytes(a []byte, b string) bool {
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

// HasByte reports whether s contains c.
func HasByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// SmallSet is the size up to which a list is compared element by element
// instead of hashed.
const SmallSet = 8

// InList reports whether s is one of list (a short list: see SmallSet).
func InList(list []string, s string) bool {
	for _, x := range list {
		if Equal(x, s) {
			return true
		}
	}
	return false
}
