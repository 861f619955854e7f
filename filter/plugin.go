package filter

import (
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
	noOriginCounter  uint32              // the metric it moves
	fastNoOrigin     bool                // !needsRoute, so noOriginDecision applies to every request without Origin
	replies          []*abi.ReplyHeaders // local replies' lines encoded once, by policy.Decision.Shape - 1
	requestLines     *abi.LineFilter     // the request lines a decision reads (policy.Set.HeaderNames)
}

// encodeReplies encodes the lines of every shape of set once, the echoed
// Origin's line (when there is one) last, as abi.ReplyHeaders wants it.
func encodeReplies(set *policy.Set) []*abi.ReplyHeaders {
	replies := make([]*abi.ReplyHeaders, set.Shapes())
	for i := range replies {
		sh := set.Shape(i + 1)
		lines := make([]abi.HeaderPair, 0, len(sh.Fields))
		for j, f := range sh.Fields {
			if j != sh.Origin {
				lines = append(lines, abi.HeaderPair{Name: f.Name, Value: f.Value})
			}
		}
		if sh.Origin >= 0 {
			lines = append(lines, abi.HeaderPair{Name: sh.Fields[sh.Origin].Name})
		}
		replies[i] = abi.NewReplyHeaders(lines, sh.Origin >= 0)
	}
	return replies
}

// emptyConfigHelp is logged when the plugin gets no configuration at all.
const emptyConfigHelp = `cors-wasm: configuration refused: (root): empty configuration: set the plugin configuration to a JSON object such as {"policies":[{"name":"api","allow_origins":["https://app.example.com"]}]} (Envoy: configuration as a google.protobuf.StringValue; Istio: pluginConfig)`

// OnPluginStart reads, decodes and compiles the configuration. On any error
// it logs every problem at critical level and returns failure, so the proxy
// refuses the configuration instead of running with a partial one.
func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	// Compared and asserted directly, not with errors.Is and errors.As: the
	// host's errors are abi's sentinels and Load's are policy.Errors, both
	// unwrapped, and the errors package's helpers would link reflection
	// into the module (internal/reflectlite, about 19 KB of 3.4 MB).
	data, err := p.host.PluginConfig()
	if err != nil && err != abi.ErrNotFound {
		p.host.Log(abi.LogCritical, "cors-wasm: configuration refused: cannot read the plugin configuration: "+err.Error())
		return types.OnPluginStartStatusFailed
	}
	if len(data) == 0 {
		p.host.Log(abi.LogCritical, emptyConfigHelp)
		return types.OnPluginStartStatusFailed
	}
	set, err := policy.Load(data)
	if err != nil {
		if errs, ok := err.(policy.Errors); ok {
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
	p.replies = encodeReplies(set)
	p.requestLines = abi.NewLineFilter(set.HeaderNames()...)
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

// NewHttpContext returns a new stream context. In the wasm build,
// internal/abi hands finished ones to later streams instead (stream.Reset),
// so steady state allocates nothing.
func (p *pluginContext) NewHttpContext(contextID uint32) types.HttpContext {
	return &stream{plugin: p}
}

// count increments one of a policy's counters.
func (p *pluginContext) count(policyIndex int, c policy.Counter) {
	p.host.Count(p.counters[policyIndex][c])
}

var _ types.PluginContext = (*pluginContext)(nil)
