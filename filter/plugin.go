package filter

import (
	"errors"
	"strconv"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
	"github.com/cors-wasm/cors-wasm/policy"
)

// pluginContext holds one compiled configuration and the counters, and hands
// out stream contexts.
type pluginContext struct {
	types.DefaultPluginContext
	host       *abi.Host
	set        *policy.Set
	needsRoute bool                         // policy choice reads :authority/:path
	counters   [][policy.NumCounters]uint32 // metric ids by policy, by counter
	noPolicy   uint32                       // metric id of policy.NoPolicyCounter
	// noOriginDecision is the decision of every request without Origin when
	// !needsRoute: made once at configure time (see stream.decideNoOrigin).
	noOriginDecision policy.Decision
	noOriginCounter  uint32    // the metric it moves
	fastNoOrigin     bool      // !needsRoute, so noOriginDecision applies to every request without Origin
	free             []*stream // finished streams, reused so steady state allocates nothing
}

// emptyConfigHelp is logged when the plugin gets no configuration at all.
const emptyConfigHelp = `cors-wasm: configuration refused: (root): empty configuration: set the plugin configuration to a JSON object such as {"policies":[{"name":"api","allow_origins":["https://app.example.com"]}]} (Envoy: configuration as a google.protobuf.StringValue; Istio: pluginConfig)`

// OnPluginStart reads, decodes and compiles the configuration. On any error
// it logs every problem at critical level and returns failure, so the proxy
// refuses the configuration instead of running with a partial one.
func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := p.host.PluginConfig()
	if err != nil && !errors.Is(err, abi.ErrNotFound) {
		p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: cannot read the plugin configuration: "+err.Error())
		return types.OnPluginStartStatusFailed
	}
	if len(data) == 0 {
		p.host.Log(abi.LogCritical, emptyConfigHelp)
		return types.OnPluginStartStatusFailed
	}
	set, err := policy.Load(data)
	if err != nil {
		var errs policy.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: "+e.Error())
			}
		} else {
			p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: "+err.Error())
		}
		return types.OnPluginStartStatusFailed
	}
	counters := make([][policy.NumCounters]uint32, set.Len())
	for i := range counters {
		for c := policy.Counter(0); c < policy.NumCounters; c++ {
			id, err := p.host.DefineCounter(policy.CounterName(set.PolicyName(i), c))
			if err != nil {
				p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: cannot define counter "+policy.CounterName(set.PolicyName(i), c)+": "+err.Error())
				return types.OnPluginStartStatusFailed
			}
			counters[i][c] = id
		}
	}
	noPolicy, err := p.host.DefineCounter(policy.NoPolicyCounter)
	if err != nil {
		p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: cannot define counter "+policy.NoPolicyCounter+": "+err.Error())
		return types.OnPluginStartStatusFailed
	}
	p.set, p.counters, p.noPolicy, p.needsRoute = set, counters, noPolicy, set.NeedsRoute()
	set.Decide(&policy.Request{}, &p.noOriginDecision)
	d := &p.noOriginDecision
	p.fastNoOrigin = !p.needsRoute && d.Kind != policy.KindNone // the first policy applies to everything
	if p.fastNoOrigin {
		p.noOriginCounter = counters[d.Policy][d.Counter]
	}
	// Configuring allocates megabytes for 10,000 origins; let a garbage
	// collection it started finish now rather than never (abi.YieldToGC).
	abi.YieldToGC()
	p.host.Log(abi.LogInfo, "cors-wasm: configured "+strconv.Itoa(set.Len())+pluralPolicies[min(set.Len(), 2)])
	return types.OnPluginStartStatusOK
}

// pluralPolicies is the noun after a policy count (0, 1, more).
var pluralPolicies = [3]string{" policies", " policy", " policies"}

// NewHttpContext returns a stream context, reusing a finished one when it can.
func (p *pluginContext) NewHttpContext(contextID uint32) types.HttpContext {
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		s.done = false
		return s
	}
	return &stream{plugin: p}
}

// release returns a finished stream for reuse; the pool is bounded so a burst
// of concurrent streams does not pin memory forever.
func (p *pluginContext) release(s *stream) {
	if len(p.free) < maxFreeStreams {
		p.free = append(p.free, s)
	}
}

const maxFreeStreams = 1024

// count increments one of a policy's counters.
func (p *pluginContext) count(policyIndex int, c policy.Counter) {
	p.host.Count(p.counters[policyIndex][c])
}

// ReusesStreamContexts tells internal/abi that a finished stream context may
// serve the next stream without OnHttpStreamDone and NewHttpContext: a stream
// resets itself at request headers, and the response callback of a stream
// whose request callback never ran finds no context.
func (p *pluginContext) ReusesStreamContexts() {}

var (
	_ types.PluginContext      = (*pluginContext)(nil)
	_ abi.ReusesStreamContexts = (*pluginContext)(nil)
)
