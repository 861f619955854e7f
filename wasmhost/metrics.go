package wasmhost

import (
	"sort"
	"sync"
	"sync/atomic"
)

// MetricType is a proxy-wasm metric type.
type MetricType uint32

// Metric types as numbered by the ABI.
const (
	Counter MetricType = iota
	Gauge
	Histogram
)

// Metric is one defined metric, shared by every VM that defines its name
// (Envoy's stats are per listener, not per worker).
type Metric struct {
	Name  string
	Type  MetricType
	value atomic.Int64
}

// Value is the metric's current value.
func (m *Metric) Value() int64 { return m.value.Load() }

// Metrics is a stats store. Safe for concurrent use.
type Metrics struct {
	mu     sync.Mutex
	byName map[string]*Metric
}

// NewMetrics returns an empty store.
func NewMetrics() *Metrics { return &Metrics{byName: map[string]*Metric{}} }

func (s *Metrics) define(name string, t MetricType) (*Metric, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.byName[name]; ok {
		return m, m.Type == t
	}
	m := &Metric{Name: name, Type: t}
	s.byName[name] = m
	return m, true
}

// Get returns a metric's value; ok is false if no plugin defined it.
// Envoy shows these names with a "wasmcustom." prefix.
func (s *Metrics) Get(name string) (value int64, ok bool) {
	s.mu.Lock()
	m, ok := s.byName[name]
	s.mu.Unlock()
	if !ok {
		return 0, false
	}
	return m.Value(), true
}

// Snapshot returns every metric's value by name.
func (s *Metrics) Snapshot() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.byName))
	for n, m := range s.byName {
		out[n] = m.Value()
	}
	return out
}

// Names returns the defined metric names, sorted.
func (s *Metrics) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
