package wasmhost

import (
	"sort"
	"strconv"
	"strings"
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

func (t MetricType) String() string {
	switch t {
	case Counter:
		return "counter"
	case Gauge:
		return "gauge"
	}
	return "histogram"
}

// CustomStatNamespace prefixes every metric a plugin defines in Envoy's stats
// (source/extensions/common/wasm/context.cc Context::defineMetric builds the
// stat from {custom_stat_namespace_, name}; the namespace is "wasmcustom").
const CustomStatNamespace = "wasmcustom"

// Metric is one defined metric, shared by every VM that defines its name and
// type (Envoy's stats live in the listener's scope, not per worker).
type Metric struct {
	// Name is the name the plugin defined; Envoy shows it as EnvoyName.
	Name  string
	Type  MetricType
	value atomic.Int64 // counter and gauge value; a histogram's sum
	count atomic.Int64 // a histogram's recorded values
}

// Value is a counter's or gauge's value, or a histogram's sum of values.
func (m *Metric) Value() int64 { return m.value.Load() }

// Count is the number of values recorded into a histogram.
func (m *Metric) Count() int64 { return m.count.Load() }

// EnvoyName is the metric's name in Envoy's stats (admin /stats):
// "wasmcustom." and the defined name.
func (m *Metric) EnvoyName() string { return CustomStatNamespace + "." + m.Name }

// PrometheusName is the metric's name in Envoy's Prometheus output
// (/stats/prometheus): the custom namespace is stripped and every character
// outside [a-zA-Z0-9_] becomes "_", with no "envoy_" prefix
// (source/server/admin/prometheus_stats.cc PrometheusStatsFormatter::
// metricName, sanitizeName). ok is false when Envoy leaves the metric out (an
// empty name or one starting with a digit).
func (m *Metric) PrometheusName() (name string, ok bool) {
	b := []byte(m.Name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] >= '0' && b[0] <= '9' {
		return "", false
	}
	return string(b), true
}

// Metrics is a stats store. Safe for concurrent use.
type Metrics struct {
	mu     sync.Mutex
	byName map[metricKey]*Metric
}

type metricKey struct {
	name string
	typ  MetricType
}

// NewMetrics returns an empty store.
func NewMetrics() *Metrics { return &Metrics{byName: map[metricKey]*Metric{}} }

func (s *Metrics) define(name string, t MetricType) *Metric {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := metricKey{name, t}
	if m, ok := s.byName[k]; ok {
		return m
	}
	m := &Metric{Name: name, Type: t}
	s.byName[k] = m
	return m
}

// Get returns the value of the counter or gauge a plugin defined as name
// (without Envoy's "wasmcustom." prefix); ok is false if none did.
func (s *Metrics) Get(name string) (value int64, ok bool) {
	s.mu.Lock()
	m, ok := s.byName[metricKey{name, Counter}]
	if !ok {
		m, ok = s.byName[metricKey{name, Gauge}]
	}
	s.mu.Unlock()
	if !ok {
		return 0, false
	}
	return m.Value(), true
}

// Snapshot returns every counter's and gauge's value by defined name.
func (s *Metrics) Snapshot() map[string]int64 {
	out := map[string]int64{}
	for _, m := range s.All() {
		if m.Type != Histogram {
			out[m.Name] = m.Value()
		}
	}
	return out
}

// Names returns the defined metric names, sorted.
func (s *Metrics) Names() []string {
	var names []string
	for _, m := range s.All() {
		names = append(names, m.Name)
	}
	return names
}

// All returns every defined metric, sorted by name, then type.
func (s *Metrics) All() []*Metric {
	s.mu.Lock()
	out := make([]*Metric, 0, len(s.byName))
	for _, m := range s.byName {
		out = append(out, m)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// WriteText writes the metrics as Envoy's admin /stats lists them:
// "wasmcustom.<name>: <value>" per line, sorted; a histogram shows its count
// and sum (Envoy shows quantiles).
func (s *Metrics) WriteText(b *strings.Builder) {
	for _, m := range s.All() {
		b.WriteString(m.EnvoyName())
		b.WriteString(": ")
		if m.Type == Histogram {
			b.WriteString("count=" + strconv.FormatInt(m.Count(), 10) + " sum=" + strconv.FormatInt(m.Value(), 10))
		} else {
			b.WriteString(strconv.FormatInt(m.Value(), 10))
		}
		b.WriteByte('\n')
	}
}

// WritePrometheus writes the counters and gauges as Envoy's admin
// /stats/prometheus does: "# TYPE <name> counter" then "<name>{} <value>"
// (PrometheusStatsFormatter). Histograms are left out here.
func (s *Metrics) WritePrometheus(b *strings.Builder) {
	for _, m := range s.All() {
		name, ok := m.PrometheusName()
		if !ok || m.Type == Histogram {
			continue
		}
		b.WriteString("# TYPE " + name + " " + m.Type.String() + "\n")
		b.WriteString(name + "{} " + strconv.FormatInt(m.Value(), 10) + "\n")
	}
}
