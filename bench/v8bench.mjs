// V8 benchmark of cors-wasm, as Envoy runs it: TurboFan only (run under
// `node --no-liftoff`), each stream driven in Envoy's order through the
// proxy-wasm host of v8host.mjs (no npm packages), whose host calls cost
// about what the engine's own call into JS costs. Input: the JSON file that
// `V8_CASES=... go test -run TestWriteV8Cases ./bench` writes (make bench does).
//
//   node --no-liftoff bench/v8bench.mjs build/v8/cases.json [rounds] [ms-per-batch]
//
// It first checks that every case gives the same local reply or response
// headers, and makes the same host calls, as the module did in wasmhost
// (wazero); then it times the cors, floor and empty plugins and the host-call
// plugin interleaved, round after round, and prints Go benchmark lines (one
// per round) that benchstat and internal/benchreport read, and what one host
// call costs: the host-call plugin's (9 lines - 1 line) / 8. A batch is timed
// by the process's CPU time (user + system), not the wall clock, so that
// other work on a shared machine does not count.

import { readFileSync } from "node:fs";
import { VM, Headers, pairsOf, str } from "./v8host.mjs";

const [casesPath, roundsArg, msArg] = process.argv.slice(2);
if (!casesPath) {
  console.error("usage: node --no-liftoff bench/v8bench.mjs CASES.json [rounds] [ms-per-batch]");
  process.exit(2);
}
const input = JSON.parse(readFileSync(casesPath, "utf8"));
const rounds = Number(roundsArg || 6);
const batchMs = Number(msArg || 40);

// The client's view of a stream, as the Go side records it.
function outcome(s) {
  if (s.reply) return { localStatus: s.reply.status, localDetails: str(s.reply.details.b.subarray(s.reply.details.no, s.reply.details.no + s.reply.details.nl)), headers: pairsOf(s.resp) };
  return { localStatus: 0, localDetails: "", headers: pairsOf(s.resp) };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Compile each module once. V8 keeps Wasm code outside the JS heap, so its
// size is estimated as the growth of the process's resident memory while
// compiling (TurboFan compiles every function up front under --no-liftoff).
const modules = {};
const codeBytes = {};
for (const [name, path] of Object.entries(input.modules)) {
  const bytes = readFileSync(path);
  const before = process.memoryUsage().rss;
  modules[name] = new WebAssembly.Module(bytes);
  codeBytes[name] = Math.max(0, process.memoryUsage().rss - before);
}

const names = { cors: "BenchmarkV8Stream", floor: "BenchmarkV8FloorPluginStream", empty: "BenchmarkV8EmptyPluginStream" };

// Check first: every case, cors and floor, as in wazero.
const plugins = ["cors", "floor", "empty"].filter((p) => modules[p]);
let failed = 0;
const runs = [];
for (const c of input.cases) {
  c.req = new Headers(c.request);
  c.up = new Headers(c.upstream);
  for (const p of plugins) {
    const vm = new VM(modules[p], p === "floor" ? c.floor : p === "cors" ? c.config : "");
    vm.run(c.req, c.up); // warm-up stream, as on the Go side
    const before = vm.hostCalls;
    const got = outcome(vm.run(c.req, c.up));
    const want = c.want[p];
    if (want) {
      const calls = vm.hostCalls - before;
      const w = { localStatus: want.localStatus, localDetails: want.localDetails, headers: want.headers };
      if (!same(got, w)) {
        failed++;
        console.error(`MISMATCH ${p} ${c.name}:\n  v8     ${JSON.stringify(got).slice(0, 2000)}\n  wazero ${JSON.stringify(w).slice(0, 2000)}`);
      }
      if (calls !== want.hostCalls) {
        failed++;
        console.error(`MISMATCH ${p} ${c.name}: ${calls} host calls per stream in V8, ${want.hostCalls} in wazero`);
      }
    }
    runs.push({ name: `${names[p]}/${c.name}`, c, vm, wasmCalls: want ? want.wasmCalls : 12 });
  }
}
if (failed) {
  console.error(`v8bench: ${failed} mismatches with the wazero run; nothing timed`);
  process.exit(1);
}
console.log(`# v8bench: ${input.cases.length} cases x ${plugins.length} plugins agree with wazero; node ${process.version}, flags ${process.execArgv.join(" ")}`);
if (rounds === 0) process.exit(0); // check only

// The host-call plugin: one proxy_get_header_map_value per request line.
if (modules.hostcall) {
  const up = new Headers([[":status", "200"]]);
  for (const n of [1, 9]) {
    const req = [[":method", "GET"]];
    while (req.length < n) req.push(["x-line", "v"]);
    runs.push({ name: `BenchmarkV8HostCall/Lines${n}`, c: { name: "HostCall", req: new Headers(req), up }, vm: new VM(modules.hostcall, ""), wasmCalls: 0 });
  }
}

// Warm up, then calibrate: streams per batch so that a batch takes about
// batchMs, from the fastest of three trials (the machine is shared). The
// warm-up lets TurboFan compile each function on its first calls, and lets
// the guest end the garbage collection that a large configuration starts
// (RATIONALE.md, "Let the garbage collector finish after configure-time
// allocations"): with 10,000 origins it stays open for the first ~20,000
// streams, whose write barriers then cost several microseconds each.
for (const r of runs) {
  const big = r.c.name === "AdversarialACRH1MiB";
  for (let i = 0; i < (big ? 20 : 30000); i++) r.vm.run(r.c.req, r.c.up);
  let best = Infinity;
  const n = big ? 4 : 200;
  for (let trial = 0; trial < 3; trial++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) r.vm.run(r.c.req, r.c.up);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  r.n = Math.max(1, Math.round((batchMs * 1e6) / best));
}

const cpuNs = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
console.log(`# v8bench: host bench/v8host.mjs; ${rounds} rounds, each running every case and plugin once, interleaved, in batches of about ${batchMs} ms timed by CPU time`);
console.log("goos: " + process.platform);
console.log("goarch: " + (process.arch === "x64" ? "amd64" : process.arch));
console.log("pkg: github.com/cors-wasm/cors-wasm/bench/v8");
const hostCallNs = { 1: [], 9: [] };
for (let round = 0; round < rounds; round++) {
  // Interleaved: every plugin and case once per round, in a rotating order,
  // so load on the shared machine spreads over all of them alike.
  const order = runs.map((_, i) => runs[(i + round * 7) % runs.length]);
  for (const r of order) {
    const calls0 = r.vm.hostCalls;
    const t0 = cpuNs();
    for (let i = 0; i < r.n; i++) r.vm.run(r.c.req, r.c.up);
    const ns = (cpuNs() - t0) / r.n;
    const host = (r.vm.hostCalls - calls0) / r.n;
    if (r.vm.tickMs && r.vm.x.proxy_on_tick) r.vm.x.proxy_on_tick(1);
    if (r.c.name === "HostCall") hostCallNs[r.c.req.lines.length].push(ns);
    const calls = r.wasmCalls ? `\t${r.wasmCalls} wasmcalls/op` : "";
    console.log(`${r.name}-2\t${r.n}\t${ns.toFixed(1)} ns/op\t${host} hostcalls/op${calls}`);
  }
}
const median = (v) => { const s = v.slice().sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
if (hostCallNs[1].length) {
  console.log(`# v8bench: one host call costs ${((median(hostCallNs[9]) - median(hostCallNs[1])) / 8).toFixed(1)} ns here ` +
    `(host-call plugin, medians: 9 lines ${median(hostCallNs[9]).toFixed(1)} ns, 1 line ${median(hostCallNs[1]).toFixed(1)} ns, (9 - 1) / 8)`);
}

// Per-VM memory after configure: linear memory, and the module's compiled
// code (once per process, shared by its VMs).
for (const [name, config] of Object.entries(input.memory || {})) {
  const vm = new VM(modules.cors, config);
  console.log(`BenchmarkV8VMMemory/${name}-2\t1\t0 ns/op\t${vm.memory.buffer.byteLength} linear-mem-bytes\t${codeBytes.cors} code-bytes`);
}
