package policy

import (
	"strings"

	"github.com/cors-wasm/cors-wasm/policy/internal/bytecmp"
)

// isTokenChar reports whether c may appear in an RFC 9110 token, the grammar of
// method and header names.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerToken[s[i]] == 0 || s[i] == ' ' || s[i] == '\t' {
			return false
		}
	}
	return true
}

// Fetch "forbidden method": browsers refuse to send these at all.
var forbiddenMethods = []string{"CONNECT", "TRACE", "TRACK"}

// Methods a browser normalizes to uppercase (Fetch "normalize a method"); a
// lowercase spelling in the config could never match byte-exact.
var normalizedMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"}

// isSafelistedMethod: Fetch "CORS-safelisted method"; always allowed by a preflight.
// isForbiddenMethod: Fetch's forbidden methods (section 2.2.1, "forbidden
// method") match CONNECT, TRACE and TRACK byte-case-insensitively, so a
// policy allowing every method must not echo "connect" either.
// The first-byte test keeps it inlinable: other methods cost no call.
func isForbiddenMethod(m string) bool {
	return len(m) >= 5 && (m[0]|0x20 == 'c' || m[0]|0x20 == 't') && forbiddenFold(m)
}

func forbiddenFold(m string) bool {
	return equalFoldUpper(m, "TRACE") || equalFoldUpper(m, "TRACK") || equalFoldUpper(m, "CONNECT")
}

// equalFoldUpper compares s with upper, an uppercase ASCII word, ignoring
// ASCII case, without a runtime call.
func equalFoldUpper(s, upper string) bool {
	if len(s) != len(upper) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != upper[i] && c != upper[i]+'a'-'A' {
			return false
		}
	}
	return true
}

func isSafelistedMethod(m string) bool {
	return bytecmp.Equal(m, "GET") || bytecmp.Equal(m, "HEAD") || bytecmp.Equal(m, "POST")
}

// Fetch "forbidden request-header" names: scripts cannot set them, so they never
// appear in Access-Control-Request-Headers and listing them is a mistake.
var forbiddenRequestHeaders = []string{
	"accept-charset", "accept-encoding", "access-control-request-headers",
	"access-control-request-method", "access-control-request-private-network",
	"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect",
	"host", "keep-alive", "origin", "referer", "set-cookie", "te", "trailer",
	"transfer-encoding", "upgrade", "via",
}

// isForbiddenRequestHeader also covers the "proxy-" and "sec-" prefixes.
func isForbiddenRequestHeader(lower string) bool {
	if strings.HasPrefix(lower, "proxy-") || strings.HasPrefix(lower, "sec-") {
		return true
	}
	for _, h := range forbiddenRequestHeaders {
		if h == lower {
			return true
		}
	}
	return false
}

// Fetch "forbidden response-header names": never exposed to scripts.
func isForbiddenResponseHeader(lower string) bool {
	return lower == "set-cookie" || lower == "set-cookie2"
}
