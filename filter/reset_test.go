package filter

import (
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// internal/abi hands a finished stream context to the next stream after
// Reset, without NewHttpContext: what the last stream decided must not leak
// into the next one's response. A reset context's response callback must do
// what a new one's does when its request callback never ran: nothing (here it
// would reach for a nil host).
func TestResetStreamIsLikeANewOne(t *testing.T) {
	for _, c := range []struct {
		name              string
		decided, noOrigin bool
	}{
		{"after a decided stream", true, false},
		{"after a no-Origin stream", true, true},
		{"after a stream without a decision", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &pluginContext{} // no host: any host call panics
			p.noOriginDecision.Respond = true
			s := p.NewHttpContext(2).(*stream)
			s.decided, s.noOrigin = c.decided, c.noOrigin
			s.decision.Respond = true
			s.Reset()
			fresh := p.NewHttpContext(3).(*stream)
			if s.decided != fresh.decided || s.noOrigin != fresh.noOrigin || s.plugin != fresh.plugin {
				t.Errorf("reset stream %+v, new stream %+v", s, fresh)
			}
			if a := s.OnHttpResponseHeaders(0, false); a != types.ActionContinue {
				t.Errorf("response callback of a reset stream returned %v", a)
			}
		})
	}
}
