package wasmhost

import "testing"

// Metric calls as Envoy answers them (source/extensions/common/wasm/
// context.cc Context::defineMetric, incrementMetric, recordMetric,
// getMetric; ids from wasm.h nextCounterMetricId etc.: the type in the low
// two bits, a step of 4 per definition).
func TestMetricCallsLikeEnvoy(t *testing.T) {
	h := newHostcallVM(t, ProfileCurrent)
	define := func(typ metricType, name string) (uint64, uint32) {
		n, nl := h.str(0, name)
		st := h.call(envFunctions, "proxy_define_metric", uint64(typ), n, nl, uint64(h.scratch+100))
		id, _ := h.mem.ReadUint32Le(h.scratch + 100)
		return st, id
	}
	ids := map[string]uint32{}
	for _, d := range []struct {
		typ  metricType
		name string
		id   uint32
	}{
		{metricCounter, "c.one", 4}, {metricGauge, "g.one", 5}, {metricHistogram, "h.one", 6}, {metricCounter, "c.two", 8},
		{metricGauge, "c.one", 9}, // the same name as another type is another metric, not an error
	} {
		st, id := define(d.typ, d.name)
		if st != statusOK || id != d.id {
			t.Errorf("define %v %s: status %d id %d, want OK and id %d", d.typ, d.name, st, id, d.id)
		}
		ids[d.name+d.typ.String()] = id
	}
	if st, _ := define(3, "bad.type"); st != statusBadArgument {
		t.Errorf("define type 3: status %d, want BAD_ARGUMENT", st)
	}
	c, g, hist := uint64(ids["c.onecounter"]), uint64(ids["g.onegauge"]), uint64(ids["h.onehistogram"])
	neg := func(v int64) uint64 { return uint64(v) }
	cases := []struct {
		name string
		fn   string
		args []uint64
		want uint64
	}{
		{"increment counter by 2", "proxy_increment_metric", []uint64{c, 2}, statusOK},
		{"increment counter by 0", "proxy_increment_metric", []uint64{c, 0}, statusBadArgument},
		{"increment counter by -1", "proxy_increment_metric", []uint64{c, neg(-1)}, statusBadArgument},
		{"record on a counter adds", "proxy_record_metric", []uint64{c, 3}, statusOK},
		{"increment gauge by -4", "proxy_increment_metric", []uint64{g, neg(-4)}, statusOK},
		{"increment histogram", "proxy_increment_metric", []uint64{hist, 1}, statusBadArgument},
		{"record histogram", "proxy_record_metric", []uint64{hist, 7}, statusOK},
		{"get histogram", "proxy_get_metric", []uint64{hist, uint64(h.scratch + 200)}, statusBadArgument},
		{"increment unknown counter id", "proxy_increment_metric", []uint64{400, 1}, statusNotFound},
		{"record unknown gauge id", "proxy_record_metric", []uint64{401, 1}, statusNotFound},
		{"get unknown counter id", "proxy_get_metric", []uint64{400, uint64(h.scratch + 200)}, statusNotFound},
	}
	for _, k := range cases {
		if st := h.call(envFunctions, k.fn, k.args...); st != k.want {
			t.Errorf("%s: status %d, want %d", k.name, st, k.want)
		}
	}
	if v, ok := h.metrics.Get("c.one"); !ok || v != 5 {
		t.Errorf("counter c.one = %d, %v; want 5 (2 incremented + 3 recorded)", v, ok)
	}
	if st := h.call(envFunctions, "proxy_get_metric", g, uint64(h.scratch+200)); st != statusOK {
		t.Errorf("get gauge: status %d", st)
	}
	if v, _ := h.mem.ReadUint64Le(h.scratch + 200); int64(v) != -4 {
		t.Errorf("gauge = %d, want -4", int64(v))
	}
}
