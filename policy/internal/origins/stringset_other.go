//go:build !wasm

package origins

// stringSet holds the exact allowed origins: natively, a Go map (twice as
// fast as hashSet there).
type stringSet = mapSet
