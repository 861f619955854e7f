package abi

import "errors"

// Status errors returned by host calls. They are preallocated so that a failed
// host call on the request path does not allocate.
var (
	ErrNotFound         = errors.New("proxy-wasm host: not found")
	ErrBadArgument      = errors.New("proxy-wasm host: bad argument")
	ErrInvalidMemory    = errors.New("proxy-wasm host: invalid memory access")
	ErrInternalFailure  = errors.New("proxy-wasm host: internal failure")
	ErrUnimplemented    = errors.New("proxy-wasm host: unimplemented")
	ErrUnknownStatus    = errors.New("proxy-wasm host: unexpected status")
	ErrMalformedHeaders = errors.New("proxy-wasm host: malformed header map")
)

// ABI v0.2.1 status codes.
const (
	statusOK                  = 0
	statusNotFound            = 1
	statusBadArgument         = 2
	statusInvalidMemoryAccess = 6
	statusInternalFailure     = 10
	statusUnimplemented       = 12
)

// statusError maps an ABI status to nil or one of the sentinel errors.
func statusError(status uint32) error {
	switch status {
	case statusOK:
		return nil
	case statusNotFound:
		return ErrNotFound
	case statusBadArgument:
		return ErrBadArgument
	case statusInvalidMemoryAccess:
		return ErrInvalidMemory
	case statusInternalFailure:
		return ErrInternalFailure
	case statusUnimplemented:
		return ErrUnimplemented
	}
	return ErrUnknownStatus
}
