package wasmhost

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// metricType is a proxy-wasm metric type.
type metricType uint32

// Metric types as numbered by the ABI.
const (
	metricCounter metricType = iota
	metricGauge
	metricHistogram
)

func (t metricType) String() string {
	switch t {
	case metricCounter:
		return "counter"
	case metricGauge:
		return "gauge"
	}
	return "histogram"
}

// customStatNamespace prefixes every metric a plugin defines in Envoy's stats
// (source/extensions/common/wasm/context.cc Context::defineMetric builds the
// stat from {custom_stat_namespace_, name}; the namespace is "wasmcustom").
const customStatNamespace = "wasmcustom"

// metric is one defined metric, shared by every VM that defines its name and
// type (Envoy's stats live in the listener's scope, not per worker).
type metric struct {
	name  string // as the plugin defined it; Envoy shows envoyName
	typ   metricType
	value atomic.Int64 // counter and gauge value; a histogram's sum
	count atomic.Int64 // a histogram's recorded values
}

// envoyName is the metric's name in Envoy's stats (admin /stats):
// "wasmcustom." and the defined name.
func (m *metric) envoyName() string { return customStatNamespace + "." + m.name }

// prometheusName is the metric's name in Envoy's Prometheus output
// (/stats/prometheus): the custom namespace is stripped and every character
// outside [a-zA-Z0-9_] becomes "_", with no "envoy_" prefix
// (source/server/admin/prometheus_stats.cc PrometheusStatsFormatter::
// metricName, sanitizeName). ok is false when Envoy leaves the metric out (an
// empty name or one starting with a digit).
func (m *metric) prometheusName() (name string, ok bool) {
	b := []byte(m.name)
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
	byName map[metricKey]*metric
}

type metricKey struct {
	name string
	typ  metricType
}

// NewMetrics returns an empty store.
func NewMetrics() *Metrics { return &Metrics{byName: map[metricKey]*metric{}} }

func (s *Metrics) define(name string, t metricType) *metric {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := metricKey{name, t}
	if m, ok := s.byName[k]; ok {
		return m
	}
	m := &metric{name: name, typ: t}
	s.byName[k] = m
	return m
}

// Get returns the value of the counter or gauge a plugin defined as name
// (without Envoy's "wasmcustom." prefix); ok is false if none did.
func (s *Metrics) Get(name string) (value int64, ok bool) {
	s.mu.Lock()
	m, ok := s.byName[metricKey{name, metricCounter}]
	if !ok {
		m, ok = s.byName[metricKey{name, metricGauge}]
	}
	s.mu.Unlock()
	if !ok {
		return 0, false
	}
	return m.value.Load(), true
}

// Snapshot returns every counter's and gauge's value by defined name.
func (s *Metrics) Snapshot() map[string]int64 {
	out := map[string]int64{}
	for _, m := range s.all() {
		if m.typ != metricHistogram {
			out[m.name] = m.value.Load()
		}
	}
	return out
}

// all returns every defined metric, sorted by name, then type.
func (s *Metrics) all() []*metric {
	s.mu.Lock()
	out := make([]*metric, 0, len(s.byName))
	for _, m := range s.byName {
		out = append(out, m)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].typ < out[j].typ
	})
	return out
}

// WriteText writes the metrics as Envoy's admin /stats lists them:
// "wasmcustom.<name>: <value>" per line, sorted; a histogram shows its count
// and sum (Envoy shows quantiles).
func (s *Metrics) WriteText(b *strings.Builder) {
	for _, m := range s.all() {
		b.WriteString(m.envoyName())
		b.WriteString(": ")
		if m.typ == metricHistogram {
			b.WriteString("count=" + strconv.FormatInt(m.count.Load(), 10) + " sum=" + strconv.FormatInt(m.value.Load(), 10))
		} else {
			b.WriteString(strconv.FormatInt(m.value.Load(), 10))
		}
		b.WriteByte('\n')
	}
}

// WritePrometheus writes the counters and gauges as Envoy's admin
// /stats/prometheus does: "# TYPE <name> counter" then "<name>{} <value>"
// (PrometheusStatsFormatter). Histograms are left out here.
func (s *Metrics) WritePrometheus(b *strings.Builder) {
	for _, m := range s.all() {
		name, ok := m.prometheusName()
		if !ok || m.typ == metricHistogram {
			continue
		}
		b.WriteString("# TYPE " + name + " " + m.typ.String() + "\n")
		b.WriteString(name + "{} " + strconv.FormatInt(m.value.Load(), 10) + "\n")
	}
}
