//go:build !wasm

package policy

// stringSet holds the exact allowed origins: natively, a Go map (twice as
// fast as fnvSet there).
type stringSet = mapSet
