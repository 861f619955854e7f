// Package envoyapifloor checks envoy.yaml against an older Envoy API than the
// main module's: go-control-plane v1.32.4, the newest release before Envoy
// 1.33 (there is no v1.33 or v1.34 tag). envoy.yaml decoding strictly there
// and against the main module's v1.36 API means every field it uses existed
// in Envoy 1.32 and still exists, so in 1.33 too: README's "Envoy >= 1.33"
// is not undercut by the configuration. A module of its own, since one go.mod
// holds one version of go-control-plane; `make test` runs it.
package envoyapifloor
