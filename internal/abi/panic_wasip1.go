//go:build wasip1

package abi

// What a recovered panic does to the request (README "Failure policy"): the
// plugin's promise is that nothing it refuses reaches the upstream, so a
// stream whose request or response callback panicked is answered with a
// local 500 carrying no CORS headers, like Envoy's own answer to a failed
// plugin (503, source/extensions/common/wasm/context.cc Context::failStream)
// but without taking the VM down with a trap. Letting the request continue
// would forward preflights and requests from refused origins.

// panicDetails names the reply in Envoy's access log (%RESPONSE_CODE_DETAILS%).
const panicDetails = "cors_wasm_panic"

// recoverStreamPanic is deferred by the header callbacks: on a panic it logs,
// marks the stream failed and sets *action to what failStream answers.
func recoverStreamPanic(id uint32, export string, action *uint32) {
	r := recover()
	if r == nil {
		return
	}
	logPanic(id, export, r)
	*action = failStream()
}

// failStream sends the local 500 and returns Pause. Sent from the request
// callback, the reply still passes the response callback, which finds the
// failed stream and leaves it as it is; sent from the response callback, the
// host replaces the response with it directly.
func failStream() uint32 {
	proxySendLocalResponse(500, stringPtr(panicDetails), uint32(len(panicDetails)), nil, 0, nil, 0, grpcStatusNone)
	return 1 // Pause
}
