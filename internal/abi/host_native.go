//go:build !wasip1

package abi

import (
	"errors"
	"slices"
	"strings"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// In native builds the Host is the SDK's proxywasm API, so the SDK's
// proxytest emulator drives the filter in plain `go test`.

// SetVMContext installs the plugin with the SDK.
func SetVMContext(vm types.VMContext) { proxywasm.SetVMContext(vm) }

// NewHost returns a Host over the SDK's proxywasm API.
func NewHost() *Host { return &Host{} }

var _ hostAPI = (*Host)(nil)

// Host talks to the proxy through the SDK's proxywasm API.
type Host struct {
	pairs []HeaderPair
	lines [][2]string
}

// sdkError maps the SDK's status errors to ours.
func sdkError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, types.ErrorStatusNotFound):
		return ErrNotFound
	case errors.Is(err, types.ErrorStatusBadArgument):
		return ErrBadArgument
	}
	return err
}

func (h *Host) PluginConfig() ([]byte, error) {
	b, err := proxywasm.GetPluginConfiguration()
	return b, sdkError(err)
}

func (h *Host) convert(lines [][2]string, err error, f *LineFilter) ([]HeaderPair, error) {
	if err != nil {
		return nil, sdkError(err)
	}
	h.pairs = h.pairs[:0]
	for _, l := range lines {
		if f == nil || l[0] != "" && f.keeps(l[0][len(l[0])-1], uint64(len(l[0]))) == 1 {
			h.pairs = append(h.pairs, HeaderPair{Name: l[0], Value: l[1]})
		}
	}
	return h.pairs, nil
}

func header(v string, err error) (string, bool, error) {
	if errors.Is(err, types.ErrorStatusNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, sdkError(err)
	}
	return v, true, nil
}

func (h *Host) RequestHeader(name string) (string, bool, error) {
	return header(proxywasm.GetHttpRequestHeader(name))
}

func (h *Host) ResponseHeader(name string) (string, bool, error) {
	return header(proxywasm.GetHttpResponseHeader(name))
}

func (h *Host) RequestHeaders(f *LineFilter) ([]HeaderPair, error) {
	lines, err := proxywasm.GetHttpRequestHeaders()
	return h.convert(lines, err, f)
}

func (h *Host) ResponseHeaders(f *LineFilter) ([]HeaderPair, error) {
	lines, err := proxywasm.GetHttpResponseHeaders()
	return h.convert(lines, err, f)
}

// The response header writes ignore failure, as the wasm build's do.

func (h *Host) AddResponseHeader(name, value string) {
	_ = proxywasm.AddHttpResponseHeader(name, value)
}

// ReplaceResponseHeader leaves exactly one line, as Envoy's replace does
// (remove every line, add one); the SDK's emulator would replace the first
// line only and keep the others.
func (h *Host) ReplaceResponseHeader(name, value string) {
	h.RemoveResponseHeader(name)
	h.AddResponseHeader(name, value)
}

// RemoveResponseHeader removes every line of name, as Envoy does; the SDK's
// emulator removes one line per call, so it is called until none is left.
func (h *Host) RemoveResponseHeader(name string) {
	for {
		lines, err := proxywasm.GetHttpResponseHeaders()
		if err != nil || !slices.ContainsFunc(lines, func(l [2]string) bool { return strings.EqualFold(l[0], name) }) {
			return
		}
		if proxywasm.RemoveHttpResponseHeader(name) != nil {
			return
		}
	}
}

func (h *Host) SendLocalReply(status uint32, details string, headers []HeaderPair) error {
	// The SDK's API has no details argument; the emulator does not show them.
	h.lines = h.lines[:0]
	for _, p := range headers {
		h.lines = append(h.lines, [2]string{p.Name, p.Value})
	}
	return sdkError(proxywasm.SendHttpResponse(status, h.lines, nil, -1))
}

// SendReply is SendLocalReply with the lines of rh, value being the last
// line's value when it varies.
func (h *Host) SendReply(status uint32, details string, rh *ReplyHeaders, value string) error {
	lines := append(h.pairs[:0], rh.lines...)
	if rh.slot >= 0 {
		lines[len(lines)-1].Value = value
	}
	h.pairs = lines
	return h.SendLocalReply(status, details, lines)
}

func (h *Host) Log(level LogLevel, msg string) {
	switch level {
	case LogTrace:
		proxywasm.LogTrace(msg)
	case LogDebug:
		proxywasm.LogDebug(msg)
	case LogInfo:
		proxywasm.LogInfo(msg)
	case LogWarn:
		proxywasm.LogWarn(msg)
	case LogError:
		proxywasm.LogError(msg)
	default:
		proxywasm.LogCritical(msg)
	}
}

// LogEnabled is always true: the SDK's API has no log-level query, and the
// emulator records every level.
func (h *Host) LogEnabled(LogLevel) bool { return true }

func (h *Host) DefineCounter(name string) (id uint32, err error) {
	defer func() { // the SDK panics on a refused definition
		if r := recover(); r != nil {
			err = ErrBadArgument
		}
	}()
	return uint32(proxywasm.DefineCounterMetric(name)), nil
}

// Count adds one to a counter, ignoring failure (a lost metric point must
// not fail a request).
func (h *Host) Count(id uint32) { _ = h.IncrementCounter(id, 1) }

func (h *Host) IncrementCounter(id uint32, delta int64) (err error) {
	if delta <= 0 {
		return ErrBadArgument
	}
	defer func() { // the SDK panics on a refused increment
		if r := recover(); r != nil {
			err = ErrBadArgument
		}
	}()
	proxywasm.MetricCounter(id).Increment(uint64(delta))
	return nil
}
