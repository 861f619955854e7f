//go:build wasip1

package abi

// What a recovered panic does to the request (docs/deploying.md, Envoy: a recovered panic): the
// plugin's promise is that nothing it refuses reaches the upstream, so a
// stream whose request or response callback panicked is answered with a
// local 500 carrying no CORS headers, like Envoy's own answer to a failed
// plugin (503, source/extensions/common/wasm/context.cc Context::failStream)
// but without taking the VM down with a trap. Letting the request continue
// would forward preflights and requests from refused origins.

// panicDetails names the reply in Envoy's access log (%RESPONSE_CODE_DETAILS%).
const panicDetails = "cors_wasm_panic"

// streamPanicked is called by the header callbacks' deferred closure with
// what recover returned: on a panic it logs, marks the stream failed and
// returns what failStream answers.
func streamPanicked(id uint32, export string, r any) uint32 {
	if r == nil {
		return 0 // not a panic (runtime.Goexit): nothing to answer
	}
	logPanic(id, export, r)
	return failStream()
}

// failStream sends the local 500 and returns Pause. Sent from the request
// callback, the reply still passes the response callback, which finds the
// failed stream and leaves it as it is; sent from the response callback, the
// host replaces the response with it directly.
func failStream() uint32 {
	proxySendLocalResponse(500, stringPtr(panicDetails), uint32(len(panicDetails)), nil, 0, nil, 0, grpcStatusNone)
	return 1 // Pause
}
