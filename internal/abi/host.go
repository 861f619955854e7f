// Package abi is the only place that knows how the plugin talks to its host.
//
// On GOOS=wasip1 it is a hand-written binding of proxy-wasm ABI v0.2.1 for the
// standard Go compiler (go:wasmimport / go:wasmexport). In native builds it is
// implemented over github.com/tetratelabs/proxy-wasm-go-sdk's proxywasm API, so
// the SDK's proxytest emulator can drive the filter in plain `go test`.
package abi

// LogLevel is a proxy-wasm log level.
type LogLevel uint32

// Log levels, as numbered by the ABI.
const (
	LogTrace LogLevel = iota
	LogDebug
	LogInfo
	LogWarn
	LogError
	LogCritical
)

// HeaderPair is one header line. Names read from the host are lowercase.
type HeaderPair struct {
	Name  string
	Value string
}

// hostAPI is everything a plugin may ask of the proxy: the method set of
// Host, which is a concrete type per build (the ABI's imports on wasip1, the
// SDK's proxywasm API natively) so that calls are static and small ones are
// inlined into the filter's hot path (an interface call is one more
// wasm call per host call). Both builds assert that Host implements it.
//
// Values returned by the Host (header pairs, the plugin configuration) are views
// into memory the Host reuses: they stay valid only until the next call on the
// Host. Callers that keep anything across calls must copy it.
type hostAPI interface {
	// PluginConfig returns the plugin configuration; only valid during OnPluginStart.
	PluginConfig() ([]byte, error)
	// RequestHeader returns the first value of a request header (Envoy's
	// proxy_get_header_map_value: later lines of a repeated header are not
	// seen; use RequestHeaders for those). found is false when it is absent.
	RequestHeader(name string) (value string, found bool, err error)
	// ResponseHeader is RequestHeader for the response.
	ResponseHeader(name string) (value string, found bool, err error)
	// RequestHeaders returns the request header lines f keeps (nil: every
	// line), repeated names included, in order.
	RequestHeaders(f *LineFilter) ([]HeaderPair, error)
	// ResponseHeaders is RequestHeaders for the response.
	ResponseHeaders(f *LineFilter) ([]HeaderPair, error)
	// AddResponseHeader appends a header line (existing lines with that name
	// stay). Like the other response header writes it ignores failure: a
	// line the host refuses is nothing the plugin can mend mid-response.
	AddResponseHeader(name, value string)
	// ReplaceResponseHeader sets a header to exactly one line with value.
	ReplaceResponseHeader(name, value string)
	// RemoveResponseHeader removes every line of a header.
	RemoveResponseHeader(name string)
	// SendLocalReply answers the request from the proxy with status, headers and an empty body.
	// The host applies it after the current callback returns; the stream is stopped.
	SendLocalReply(status uint32, details string, headers []HeaderPair) error
	// SendReply is SendLocalReply with header lines encoded once (value is
	// the last line's value, when it varies).
	SendReply(status uint32, details string, rh *ReplyHeaders, value string) error
	// Log writes msg at level.
	Log(level LogLevel, msg string)
	// LogEnabled says whether a message at level would be written (so callers can skip building it).
	LogEnabled(level LogLevel) bool
	// DefineCounter defines a counter metric and returns its id.
	DefineCounter(name string) (uint32, error)
	// Count adds one to a counter and ignores failure.
	Count(id uint32)
	// IncrementCounter adds delta (> 0) to a counter.
	IncrementCounter(id uint32, delta int64) error
}
