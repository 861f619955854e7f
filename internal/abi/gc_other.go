//go:build !wasip1

package abi

// hostPollWorks: natively there is no wasm host to ask.
func hostPollWorks() bool { return true }
