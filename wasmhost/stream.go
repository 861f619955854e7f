package wasmhost

import (
	"strconv"
	"strings"
)

// Action is what a header callback answered.
type Action uint32

// Actions as numbered by the ABI.
const (
	ActionContinue Action = 0
	ActionPause    Action = 1
)

// String is "continue" or "pause".
func (a Action) String() string {
	switch a {
	case ActionContinue:
		return "continue"
	case ActionPause:
		return "pause"
	}
	return "action" + itoa(uint32(a))
}

// LocalReply is a response the plugin sent with proxy_send_local_response.
type LocalReply struct {
	Status  uint32
	Details string
	Headers [][2]string // lowercase names, as the client gets them
	// Sent are the header lines as the plugin passed them to
	// proxy_send_local_response, before its response callback ran.
	Sent       [][2]string
	Body       []byte
	GRPCStatus int32
}

// Stream is one HTTP stream on a VM, driven in Envoy's order: request
// headers (the context is created lazily here), response headers, then
// Close (proxy_on_log, proxy_on_done, proxy_on_delete).
type Stream struct {
	vm       *VM
	id       uint32
	root     uint32 // the root context it was created under
	req      headerMap
	resp     headerMap
	reply    LocalReply
	replied  bool
	created  bool
	closed   bool
	encoding bool // proxy_on_response_headers runs on a local reply
	// reqOpen, respOpen: the maps the plugin can reach now (see VM.mapOf);
	// logging: proxy_on_log runs and may read both.
	reqOpen, respOpen, logging bool
	// responding: proxy_on_response_headers runs on the upstream's response.
	responding bool
	direct     bool // the local reply replaces the response without filters
	detailsB   []byte
	counted    []*metric // counters the plugin incremented in this stream's callbacks
}

// NewStream starts a stream; it reuses finished streams.
func (vm *VM) NewStream() *Stream {
	var s *Stream
	if n := len(vm.free); n > 0 {
		s = vm.free[n-1]
		vm.free = vm.free[:n-1]
	} else {
		s = &Stream{vm: vm}
	}
	s.id = vm.allocID()
	s.req, s.resp, s.counted = s.req[:0], s.resp[:0], s.counted[:0]
	s.replied, s.created, s.closed, s.direct = false, false, false, false
	s.reqOpen, s.respOpen, s.logging = false, false, false
	s.reply = LocalReply{Headers: s.reply.Headers[:0], Sent: s.reply.Sent[:0]}
	return s
}

// ID is the stream's context id.
func (s *Stream) ID() uint32 { return s.id }

// RequestHeaders runs proxy_on_request_headers with lines (names lowercased).
// If the plugin sent a local reply, the stream is stopped: see Local.
func (s *Stream) RequestHeaders(lines [][2]string, endOfStream bool) (Action, error) {
	vm := s.vm
	s.req.set(requestInline, lines)
	s.reqOpen = true
	if !s.created {
		s.created = true
		vm.streams[s.id] = s
		vm.setCurrent(s.id, s)
		s.root = vm.root
		vm.roots[s.root].streams++
		if _, err := vm.call(vm.exports.contextCreate, uint64(s.id), uint64(s.root)); err != nil {
			return ActionContinue, err
		}
	}
	vm.setCurrent(s.id, s)
	r, err := vm.call(vm.exports.requestHeaders, uint64(s.id), uint64(len(s.req)), b2u(endOfStream))
	// Envoy's Context::decodeHeaders forgets the request map when the
	// callback continues; a stopped stream (a local reply) keeps it.
	s.reqOpen = Action(r) != ActionContinue
	if err == nil && s.replied {
		err = s.encodeLocalReply()
	}
	return Action(r), err
}

// encodeLocalReply sends the plugin's local reply through the encoder
// filters as Envoy does (source/common/http/filter_manager.cc,
// DownstreamFilterManager::sendLocalReplyViaFilterChain): the reply's headers
// become the response map (added one by one, source/extensions/common/wasm/
// context.cc Context::sendLocalResponse -> addCopy) and the same plugin's
// proxy_on_response_headers runs on them. What it leaves is what the client
// gets.
func (s *Stream) encodeLocalReply() error {
	s.resp.set(responseInline, nil)
	s.resp.add(responseInline, ":status", itoa(s.reply.Status))
	for _, l := range s.reply.Headers {
		s.resp.add(responseInline, l[0], l[1])
	}
	s.resp.add(responseInline, "content-length", itoa(uint32(len(s.reply.Body))))
	if len(s.reply.Body) > 0 {
		s.resp.add(responseInline, "content-type", "text/plain")
	}
	s.reply.Sent = append(s.reply.Sent[:0], s.reply.Headers...)
	s.encoding = true
	vm := s.vm
	vm.setCurrent(s.id, s)
	s.respOpen = true
	r, err := vm.call(vm.exports.responseHeaders, uint64(s.id), uint64(len(s.resp)), b2u(len(s.reply.Body) == 0))
	s.respOpen = Action(r) != ActionContinue
	s.encoding = false
	if s.direct {
		return err
	}
	s.reply.Headers = s.reply.Headers[:0]
	for _, l := range s.resp {
		switch {
		case l[0] == ":status":
			if v, perr := strconv.ParseUint(l[1], 10, 32); perr == nil {
				s.reply.Status = uint32(v)
			}
		case strings.HasPrefix(l[0], ":"), l[0] == "content-length", l[0] == "content-type":
		default:
			s.reply.Headers = append(s.reply.Headers, l)
		}
	}
	return err
}

// Local returns the local reply as the client gets it (after the plugin's
// proxy_on_response_headers ran on it), if the plugin sent one.
func (s *Stream) Local() (LocalReply, bool) { return s.reply, s.replied }

// RequestHeaderMap returns the request headers as the plugin left them.
func (s *Stream) RequestHeaderMap() [][2]string { return s.req }

// ResponseHeaders runs proxy_on_response_headers with lines (names
// lowercased; include ":status"). After a local reply it does nothing. If the
// plugin sends a local reply here, Local reports it and it replaces the
// upstream's response.
func (s *Stream) ResponseHeaders(lines [][2]string, endOfStream bool) (Action, error) {
	if s.replied || !s.created {
		return ActionContinue, nil
	}
	s.resp.set(responseInline, lines)
	vm := s.vm
	vm.setCurrent(s.id, s)
	s.responding, s.respOpen = true, true
	r, err := vm.call(vm.exports.responseHeaders, uint64(s.id), uint64(len(s.resp)), b2u(endOfStream))
	s.responding = false
	s.respOpen = Action(r) != ActionContinue
	return Action(r), err
}

// counters returns the names of the counters the plugin incremented while
// running this stream's callbacks, in order (AccessEntry.Counters).
func (s *Stream) counters() []string {
	names := make([]string, len(s.counted))
	for i, m := range s.counted {
		names[i] = m.name
	}
	return names
}

// ResponseHeaderMap returns the response headers as the plugin left them.
func (s *Stream) ResponseHeaderMap() [][2]string { return s.resp }

// Close ends the stream: proxy_on_log, proxy_on_done, proxy_on_delete. The
// Stream must not be used afterwards.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	vm := s.vm
	var err error
	if s.created {
		vm.setCurrent(s.id, s)
		s.logging = true
		_, err = vm.call(vm.exports.onLog, uint64(s.id))
		s.logging = false
		if err == nil {
			_, err = vm.call(vm.exports.onDone, uint64(s.id))
		}
		if err == nil {
			_, err = vm.call(vm.exports.onDelete, uint64(s.id))
		}
		delete(vm.streams, s.id)
		if rerr := vm.releaseRoot(s.root); err == nil {
			err = rerr
		}
	}
	vm.setCurrent(vm.root, nil)
	vm.free = append(vm.free, s)
	return err
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
