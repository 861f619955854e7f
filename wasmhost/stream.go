package wasmhost

// Action is what a header callback answered.
type Action uint32

// Actions as numbered by the ABI.
const (
	ActionContinue Action = 0
	ActionPause    Action = 1
)

// LocalReply is a response the plugin sent with proxy_send_local_response.
type LocalReply struct {
	Status     uint32
	Details    string
	Headers    [][2]string // lowercase names
	Body       []byte
	GRPCStatus int32
}

// Stream is one HTTP stream on a VM, driven in Envoy's order: request
// headers (the context is created lazily here), response headers, then
// Close (proxy_on_log, proxy_on_done, proxy_on_delete).
type Stream struct {
	vm       *VM
	id       uint32
	req      headerMap
	resp     headerMap
	reply    LocalReply
	replied  bool
	created  bool
	closed   bool
	detailsB []byte
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
	s.id = vm.nextID
	vm.nextID++
	if vm.nextID == 0 {
		vm.nextID = rootID + 1
	}
	s.req, s.resp = s.req[:0], s.resp[:0]
	s.replied, s.created, s.closed = false, false, false
	s.reply = LocalReply{Headers: s.reply.Headers[:0]}
	return s
}

// ID is the stream's context id.
func (s *Stream) ID() uint32 { return s.id }

// RequestHeaders runs proxy_on_request_headers with lines (names lowercased).
// If the plugin sent a local reply, the stream is stopped: see Local.
func (s *Stream) RequestHeaders(lines [][2]string, endOfStream bool) (Action, error) {
	vm := s.vm
	s.req.set(lines)
	if !s.created {
		s.created = true
		vm.streams[s.id] = s
		vm.setCurrent(s.id, s)
		if _, err := vm.call(vm.exports.contextCreate, uint64(s.id), rootID); err != nil {
			return ActionContinue, err
		}
	}
	vm.setCurrent(s.id, s)
	r, err := vm.call(vm.exports.requestHeaders, uint64(s.id), uint64(len(s.req)), b2u(endOfStream))
	return Action(r), err
}

// Local returns the local reply, if the plugin sent one.
func (s *Stream) Local() (LocalReply, bool) { return s.reply, s.replied }

// RequestHeaderMap returns the request headers as the plugin left them.
func (s *Stream) RequestHeaderMap() [][2]string { return s.req }

// ResponseHeaders runs proxy_on_response_headers with lines (names
// lowercased; include ":status"). After a local reply it does nothing.
func (s *Stream) ResponseHeaders(lines [][2]string, endOfStream bool) (Action, error) {
	s.resp.set(lines)
	if s.replied || !s.created {
		return ActionContinue, nil
	}
	vm := s.vm
	vm.setCurrent(s.id, s)
	r, err := vm.call(vm.exports.responseHeaders, uint64(s.id), uint64(len(s.resp)), b2u(endOfStream))
	return Action(r), err
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
		_, err = vm.call(vm.exports.onLog, uint64(s.id))
		if err == nil {
			_, err = vm.call(vm.exports.onDone, uint64(s.id))
		}
		if err == nil {
			_, err = vm.call(vm.exports.onDelete, uint64(s.id))
		}
		delete(vm.streams, s.id)
	}
	vm.setCurrent(rootID, nil)
	vm.free = append(vm.free, s)
	return err
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
