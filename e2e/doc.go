// Package e2e holds the end-to-end tests: the real plugin module, built from
// the current sources, in wasmhost (the Envoy-faithful host on wazero) over
// real HTTP in front of a real upstream, exercised by Go's HTTP client and
// by headless Chromium. See the *_test.go files.
package e2e
