//go:build wasm

package origins

// stringSet holds the exact allowed origins: in the wasm guest, the set whose
// lookup makes no runtime call.
type stringSet = hashSet
