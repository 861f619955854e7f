// Package apicheck checks the Envoy Gateway manifests (deploy/envoy-gateway),
// the Kubernetes and Gateway API documents of deploy/istio, and the importer's
// local copy of SecurityPolicy against Envoy Gateway's, Gateway API's and
// Kubernetes' own API types. It is a module of its own so that
// github.com/envoyproxy/gateway, which brings about 300 modules, stays out of
// cors-wasm's go.mod (RATIONALE.md); `make test` runs it.
package apicheck
