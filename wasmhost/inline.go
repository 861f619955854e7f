package wasmhost

// Envoy keeps some headers "inline" (one slot per name). Adding a line for an
// inline header that is already present appends to the existing value with a
// bare "," instead of adding a line, both when a request is decoded and when
// a plugin calls proxy_add_header_map_value (source/common/http/
// header_map_impl.cc HeaderMapImpl::insertByKey -> appendToHeader; addCopy goes
// through insertByKey). Which headers are inline depends on the headers
// Envoy's core declares (source/common/http/headers.h INLINE_REQ_*_HEADERS,
// INLINE_RESP_*_HEADERS) and on those its compiled-in extensions register with
// RegisterCustomInlineHeader. These sets hold the core ones a CORS plugin can
// meet and those registered by the CORS filter (source/extensions/filters/
// http/cors/cors_filter.cc) and the compressor filter (vary, etag,
// content-encoding: source/extensions/filters/http/compressor/
// compressor_filter.cc), all part of a standard Envoy build.

// inlineSet is the set of inline header names of one map kind.
type inlineSet map[string]bool

var requestInline = inlineSet{
	":authority": true, ":method": true, ":path": true, ":protocol": true, ":scheme": true,
	"connection": true, "content-type": true, "content-length": true, "keep-alive": true,
	"proxy-connection": true, "transfer-encoding": true, "upgrade": true, "via": true,
	"x-request-id": true, "expect": true, "te": true, "user-agent": true, "grpc-timeout": true,
	"x-forwarded-for": true, "x-forwarded-host": true, "x-forwarded-proto": true,
	"x-forwarded-client-cert": true, "x-client-trace-id": true,
	"origin": true, "access-control-request-method": true, "access-control-request-headers": true,
	"access-control-request-private-network": true, "content-encoding": true,
}

var responseInline = inlineSet{
	":status": true, "connection": true, "content-type": true, "content-length": true,
	"keep-alive": true, "proxy-connection": true, "transfer-encoding": true, "upgrade": true,
	"via": true, "x-request-id": true, "date": true, "location": true, "server": true,
	"grpc-status": true, "grpc-message": true, "x-envoy-upstream-service-time": true,
	"access-control-allow-origin": true, "access-control-allow-credentials": true,
	"access-control-allow-methods": true, "access-control-allow-headers": true,
	"access-control-max-age": true, "access-control-expose-headers": true,
	"access-control-allow-private-network": true,
	"vary":                                 true, "etag": true, "content-encoding": true,
}
