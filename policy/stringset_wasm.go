//go:build wasm

package policy

// stringSet holds the exact allowed origins: in the wasm guest, the set whose
// lookup makes no runtime call.
type stringSet = hashSet
