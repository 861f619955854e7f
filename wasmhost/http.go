package wasmhost

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Proxy is the HTTP front: for each request it runs the plugin's request
// phase, answers locally or forwards to the upstream, runs the response
// phase on the upstream's headers and writes the result.
type Proxy struct {
	pool     *Pool
	upstream *httputil.ReverseProxy
	// AccessLog, if set, gets one entry per request, after the response is
	// written and the stream has ended.
	AccessLog func(AccessEntry)
}

// AccessEntry is what an access log knows about one request: the request,
// the response the client got, who answered, and the counters the plugin
// moved. Labelling it in a plugin's terms is the caller's business.
type AccessEntry struct {
	// Request is the client's request; when it was forwarded, its headers
	// are the ones the plugin left and the upstream got.
	Request *http.Request
	// Status and Header are the response the client got.
	Status int
	Header http.Header
	// Details says who answered, as Envoy's %RESPONSE_CODE_DETAILS% does: the
	// details the plugin passed to proxy_send_local_response, or one of
	// DetailsViaUpstream, DetailsPluginFailed and DetailsUpstreamFailed.
	Details string
	// Counters are the names of the counters the plugin incremented while
	// handling the request, in order.
	Counters []string
	Duration time.Duration
}

// Response code details of the responses the plugin did not make.
const (
	// DetailsViaUpstream: the upstream answered (Envoy's
	// StreamInfo::ResponseCodeDetails::ViaUpstream).
	DetailsViaUpstream = "via_upstream"
	// DetailsPluginFailed: the plugin trapped and the stream failed with 503
	// (Envoy's source/extensions/common/wasm/context.cc Context::failStream).
	DetailsPluginFailed = "wasm_fail_stream"
	// DetailsUpstreamFailed: the upstream gave no response. The client gets
	// 502 and Go's error; Envoy answers 503 and adds the reset reason in
	// braces to these details.
	DetailsUpstreamFailed = "upstream_reset_before_response_started"
)

// NewProxy forwards to upstream through the plugins in pool.
func NewProxy(pool *Pool, upstream *url.URL) *Proxy {
	p := &Proxy{pool: pool}
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.ModifyResponse = p.responsePhase
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		st := r.Context().Value(streamKey{}).(*streamState)
		if errors.Is(err, errTrap) {
			st.details = DetailsPluginFailed
			http.Error(w, "plugin trap", http.StatusServiceUnavailable)
			return
		}
		st.details = DetailsUpstreamFailed
		http.Error(w, "upstream error: "+err.Error(), http.StatusBadGateway)
	}
	p.upstream = rp
	return p
}

var errTrap = errors.New("wasmhost: plugin trapped")

type streamKey struct{}

// streamState links the phases of one request.
type streamState struct {
	w       *worker
	vm      *VM
	s       *Stream
	details string
}

// ServeHTTP runs one stream: the request phase, a local reply or the
// upstream, the response phase, then the end of the stream and AccessLog.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	st := &streamState{w: p.pool.pick()}
	var (
		trapped bool
		reply   LocalReply
		local   bool
		reqMap  [][2]string
	)
	p.pool.with(st.w, func(vm *VM) {
		st.vm, st.s = vm, vm.NewStream()
		_, err := st.s.RequestHeaders(requestLines(r), r.Body == nil || r.Body == http.NoBody)
		if err != nil {
			trapped = true
			return
		}
		reply, local = st.s.Local()
		reply.Headers = append([][2]string(nil), reply.Headers...)
		reqMap = append([][2]string(nil), st.s.RequestHeaderMap()...)
	})
	switch {
	case trapped:
		st.details = DetailsPluginFailed
		http.Error(rec, "plugin trap", http.StatusServiceUnavailable) // Envoy's fail-closed default
	case local:
		st.details = reply.Details
		h := rec.Header()
		for _, l := range reply.Headers {
			h.Add(l[0], l[1])
		}
		h.Set("Content-Length", strconv.Itoa(len(reply.Body)))
		rec.WriteHeader(int(reply.Status))
		_, _ = rec.Write(reply.Body)
	default:
		applyRequestHeaders(r, reqMap)
		ctx := r.Context()
		r = r.WithContext(contextWith(ctx, st))
		p.upstream.ServeHTTP(rec, r)
	}
	var counters []string
	p.pool.with(st.w, func(vm *VM) {
		if vm == st.vm && !trapped {
			if p.AccessLog != nil {
				counters = st.s.counters()
			}
			_ = st.s.Close()
		}
	})
	if p.AccessLog != nil {
		p.AccessLog(AccessEntry{Request: r, Status: rec.status, Header: rec.Header().Clone(), Details: st.details,
			Counters: counters, Duration: time.Since(start)})
	}
}

// responsePhase runs proxy_on_response_headers on the upstream's response.
func (p *Proxy) responsePhase(resp *http.Response) error {
	st := resp.Request.Context().Value(streamKey{}).(*streamState)
	var (
		out     [][2]string
		trapped bool
		reply   LocalReply
		local   bool
	)
	p.pool.with(st.w, func(vm *VM) {
		if vm != st.vm { // the VM was replaced after another stream's trap
			return
		}
		if _, err := st.s.ResponseHeaders(responseLines(resp), false); err != nil {
			trapped = true
			return
		}
		if reply, local = st.s.Local(); local {
			reply.Headers = append([][2]string(nil), reply.Headers...)
			return
		}
		out = append([][2]string(nil), st.s.ResponseHeaderMap()...)
	})
	if trapped {
		return errTrap
	}
	if local {
		replaceWithLocalReply(resp, reply)
		st.details = reply.Details
		return nil
	}
	if out != nil {
		h := http.Header{}
		for _, l := range out {
			if !strings.HasPrefix(l[0], ":") {
				h.Add(l[0], l[1])
			}
		}
		resp.Header = h
	}
	st.details = DetailsViaUpstream
	return nil
}

// replaceWithLocalReply turns the upstream's response into the local reply
// the plugin sent while its headers were being encoded (Envoy sends it
// directly, without the filters: DownstreamFilterManager::sendDirectLocalReply).
func replaceWithLocalReply(resp *http.Response, reply LocalReply) {
	_ = resp.Body.Close()
	h := http.Header{}
	for _, l := range reply.Headers {
		h.Add(l[0], l[1])
	}
	h.Set("Content-Length", strconv.Itoa(len(reply.Body)))
	resp.Header = h
	resp.StatusCode = int(reply.Status)
	resp.Status = strconv.Itoa(int(reply.Status)) + " " + http.StatusText(int(reply.Status))
	resp.Body = io.NopCloser(bytes.NewReader(reply.Body))
	resp.ContentLength = int64(len(reply.Body))
}

// requestLines are the request's headers as Envoy shows them to plugins.
func requestLines(r *http.Request) [][2]string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	lines := [][2]string{{":method", r.Method}, {":path", r.URL.RequestURI()}, {":authority", r.Host}, {":scheme", scheme}}
	for k, vs := range r.Header {
		for _, v := range vs {
			lines = append(lines, [2]string{k, v})
		}
	}
	return lines
}

func responseLines(resp *http.Response) [][2]string {
	lines := [][2]string{{":status", strconv.Itoa(resp.StatusCode)}}
	for k, vs := range resp.Header {
		for _, v := range vs {
			lines = append(lines, [2]string{k, v})
		}
	}
	return lines
}

// applyRequestHeaders sends the plugin's view of the request headers upstream.
func applyRequestHeaders(r *http.Request, lines [][2]string) {
	h := http.Header{}
	for _, l := range lines {
		if !strings.HasPrefix(l[0], ":") {
			h.Add(l[0], l[1])
		}
	}
	r.Header = h
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
