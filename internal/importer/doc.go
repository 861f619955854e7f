// Package importer turns the CORS settings of Gateway API HTTPRoutes, Envoy
// Gateway SecurityPolicies, Istio VirtualServices and Envoy route
// configurations into one cors-wasm configuration, and reports what it did
// with every setting: mapped as is, changed for safety (and why), or dropped
// because cors-wasm cannot express it.
//
// It is used by `corsctl import` only; nothing of it is linked into the .wasm.
// The result always passes policy.Compile: whatever the plugin would refuse is
// dropped and reported, never written.
package importer
