// V8 benchmark of cors-wasm, as Envoy runs it: TurboFan only (run under
// `node --no-liftoff`), each stream driven in Envoy's order through a small
// proxy-wasm host written here (no npm packages). Input: the JSON file that
// `V8_CASES=... go test -run TestWriteV8Cases ./bench` writes (make bench does).
//
//   node --no-liftoff bench/v8bench.mjs build/v8/cases.json [rounds] [ms-per-batch]
//
// It first checks that every case gives the same local reply or response
// headers, and makes the same host calls, as the module did in wasmhost
// (wazero); then it times the cors, floor and empty plugins interleaved,
// round after round, and prints Go benchmark lines (one per round) that
// benchstat and internal/benchreport read.

import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";

const [casesPath, roundsArg, msArg] = process.argv.slice(2);
if (!casesPath) {
  console.error("usage: node --no-liftoff bench/v8bench.mjs CASES.json [rounds] [ms-per-batch]");
  process.exit(2);
}
const input = JSON.parse(readFileSync(casesPath, "utf8"));
const rounds = Number(roundsArg || 6);
const batchMs = Number(msArg || 40);

// ABI v0.2.1 numbers.
const OK = 0, NOT_FOUND = 1, BAD_ARGUMENT = 2, UNIMPLEMENTED = 12;
const MAP_REQUEST = 0, MAP_RESPONSE = 2, BUFFER_PLUGIN_CONFIG = 7;
const LOG_INFO = 2;
const ROOT = 1;

const enc = new TextEncoder();
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const dec = new TextDecoder();

// A header map is an array of lines: lowercase names, in order, repeated
// names kept (Envoy's view). A line encodes its strings once, when the guest
// first reads them, so handing a map to the guest does not encode the same
// strings on every stream; lines are never changed in place, so maps share them.
class Line {
  constructor(n, v) { this.n = n; this.v = v; this._nb = null; this._vb = null; }
  get nb() { return this._nb || (this._nb = enc.encode(this.n)); }
  get vb() { return this._vb || (this._vb = enc.encode(this.v)); }
}
const line = (n, v) => new Line(n, v);
function lowerLines(lines) {
  return lines.map(([n, v]) => line(n.toLowerCase(), v));
}
const plain = (m) => m.map((l) => [l.n, l.v]);

// VM is one instance of a module with one configured root context.
class VM {
  constructor(module, config) {
    this.config = enc.encode(config);
    this.hostCalls = 0;
    this.logs = [];
    this.metrics = [];
    this.phase = "init";
    this.stream = null;
    const imports = { env: {}, wasi_snapshot_preview1: {} };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind !== "function") continue;
      const impl = (imp.module === "env" ? this.env() : this.wasi())[imp.name];
      imports[imp.module][imp.name] = impl || (() => { this.hostCalls++; return UNIMPLEMENTED; });
    }
    this.instance = new WebAssembly.Instance(module, imports);
    this.x = this.instance.exports;
    this.memory = this.x.memory;
    this.x._initialize();
    this.phase = "callback";
    this.x.proxy_on_context_create(ROOT, 0);
    if (this.x.proxy_on_vm_start && !this.x.proxy_on_vm_start(ROOT, 0)) throw new Error("vm_start refused");
    this.phase = "configure";
    const ok = this.x.proxy_on_configure ? this.x.proxy_on_configure(ROOT, this.config.length) : 1;
    this.phase = "callback";
    if (!ok) throw new Error("configuration refused: " + this.logs.join("\n"));
    this.nextID = ROOT + 1;
  }

  u8() { return new Uint8Array(this.memory.buffer); }
  dv() { return new DataView(this.memory.buffer); }
  str(ptr, len) {
    if (len === 0) return "";
    const b = this.u8();
    if (len <= 64) {
      let s = "";
      for (let i = 0; i < len; i++) s += String.fromCharCode(b[ptr + i]);
      return s;
    }
    return dec.decode(b.subarray(ptr, ptr + len));
  }
  // give copies bytes into memory the guest allocates, and stores the
  // address and size at the out-pointers.
  give(bytes, ptrOut, sizeOut) {
    if (bytes.length === 0) {
      const dv = this.dv();
      dv.setUint32(ptrOut, 0, true);
      dv.setUint32(sizeOut, 0, true);
      return OK;
    }
    const prev = this.phase;
    this.phase = "allocate";
    const addr = this.x.proxy_on_memory_allocate(bytes.length) >>> 0;
    this.phase = prev;
    this.u8().set(bytes, addr);
    const dv = this.dv();
    dv.setUint32(ptrOut, addr, true);
    dv.setUint32(sizeOut, bytes.length, true);
    return OK;
  }
  map(t) {
    const s = this.stream;
    if (!s) return null;
    if (t === MAP_REQUEST) return s.req;
    if (t === MAP_RESPONSE) return s.resp;
    return null;
  }

  env() {
    const vm = this;
    const enter = () => {
      vm.hostCalls++;
      if (vm.phase === "allocate" || vm.phase === "init") throw new Error("host call in a restricted phase");
    };
    return {
      proxy_log(level, ptr, len) { enter(); vm.logs.push(level + " " + vm.str(ptr, len)); return OK; },
      proxy_get_log_level(out) { enter(); vm.dv().setUint32(out, LOG_INFO, true); return OK; },
      proxy_get_buffer_bytes(type, start, max, ptrOut, sizeOut) {
        enter();
        if (type !== BUFFER_PLUGIN_CONFIG || vm.phase !== "configure") return NOT_FOUND;
        return vm.give(vm.config.subarray(start, Math.min(vm.config.length, start + (max >>> 0))), ptrOut, sizeOut);
      },
      proxy_get_header_map_pairs(t, ptrOut, sizeOut) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        return vm.give(encodeMap(m), ptrOut, sizeOut);
      },
      proxy_set_header_map_pairs(t, ptr, len) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const lines = decodeMap(vm.u8().subarray(ptr, ptr + len));
        if (!lines) return BAD_ARGUMENT;
        m.length = 0;
        for (const l of lowerLines(lines)) m.push(l);
        return OK;
      },
      proxy_get_header_map_value(t, kp, kl, ptrOut, sizeOut) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const k = vm.str(kp, kl).toLowerCase();
        for (const l of m) if (l.n === k) return vm.give(l.vb, ptrOut, sizeOut);
        return NOT_FOUND;
      },
      proxy_add_header_map_value(t, kp, kl, vp, vl) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        m.push(line(vm.str(kp, kl).toLowerCase(), vm.str(vp, vl)));
        return OK;
      },
      proxy_replace_header_map_value(t, kp, kl, vp, vl) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const k = vm.str(kp, kl).toLowerCase(), v = vm.str(vp, vl);
        const i = m.findIndex((l) => l.n === k);
        if (i < 0) { m.push(line(k, v)); return OK; }
        m[i] = line(k, v);
        for (let j = m.length - 1; j > i; j--) if (m[j].n === k) m.splice(j, 1);
        return OK;
      },
      proxy_remove_header_map_value(t, kp, kl) {
        enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const k = vm.str(kp, kl).toLowerCase();
        for (let j = m.length - 1; j >= 0; j--) if (m[j].n === k) m.splice(j, 1);
        return OK;
      },
      proxy_send_local_response(status, dp, dl, bp, bl, hp, hl, grpc) {
        enter();
        const s = vm.stream;
        if (!s) return NOT_FOUND;
        const lines = decodeMap(vm.u8().subarray(hp, hp + hl));
        if (!lines) return BAD_ARGUMENT;
        s.reply = { status, details: vm.str(dp, dl), headers: lowerLines(lines), body: bl };
        return OK;
      },
      proxy_define_metric(type, np, nl, idOut) {
        enter();
        vm.metrics.push({ name: vm.str(np, nl), value: 0n });
        vm.dv().setUint32(idOut, vm.metrics.length, true);
        return OK;
      },
      proxy_increment_metric(id, delta) {
        enter();
        const m = vm.metrics[id - 1];
        if (!m || delta <= 0n) return m ? BAD_ARGUMENT : NOT_FOUND;
        m.value += delta;
        return OK;
      },
      proxy_record_metric(id, value) { enter(); const m = vm.metrics[id - 1]; if (!m) return NOT_FOUND; m.value = value; return OK; },
      proxy_set_tick_period_milliseconds(ms) { enter(); vm.tickMs = ms; return OK; },
      proxy_get_property() { enter(); return NOT_FOUND; },
      proxy_set_effective_context() { enter(); return OK; },
    };
  }

  wasi() {
    const vm = this;
    return {
      args_sizes_get(a, b) { const dv = vm.dv(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
      environ_sizes_get(a, b) { const dv = vm.dv(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
      args_get() { return 0; },
      environ_get() { return 0; },
      clock_time_get(id, precision, out) {
        vm.hostCalls++;
        const now = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
        vm.dv().setBigUint64(out, now, true);
        return 0;
      },
      random_get(ptr, len) { webcrypto.getRandomValues(vm.u8().subarray(ptr, ptr + len)); return 0; },
      fd_write(fd, iovs, n, out) {
        vm.hostCalls++;
        const dv = vm.dv();
        let total = 0, msg = "";
        for (let i = 0; i < n; i++) {
          const p = dv.getUint32(iovs + 8 * i, true), l = dv.getUint32(iovs + 8 * i + 4, true);
          msg += vm.str(p, l);
          total += l;
        }
        vm.logs.push((fd === 2 ? "stderr " : "stdout ") + msg);
        dv.setUint32(out, total, true);
        return 0;
      },
      // As current Envoy hosts (and wasmhost's current profile): clock
      // subscriptions are served by sleeping; fd subscriptions fail (no fds).
      poll_oneoff(inp, out, n, nout) {
        vm.hostCalls++;
        const dv = vm.dv();
        let wait = 0n;
        for (let i = 0; i < n; i++) {
          const sub = inp + 48 * i, ev = out + 32 * i;
          for (let j = 0; j < 32; j++) dv.setUint8(ev + j, 0);
          dv.setBigUint64(ev, dv.getBigUint64(sub, true), true); // userdata
          const type = dv.getUint8(sub + 8);
          dv.setUint8(ev + 10, type);
          if (type === 0) {
            const d = dv.getBigUint64(sub + 24, true);
            if (d > wait) wait = d;
          } else {
            dv.setUint16(ev + 8, 8, true); // EBADF
          }
        }
        if (wait > 0n) Atomics.wait(sleeper, 0, 0, Number(wait / 1000000n));
        dv.setUint32(nout, n, true);
        return 0;
      },
      sched_yield() { vm.hostCalls++; return 0; },
      proc_exit(code) { throw new Error("proc_exit(" + code + ")"); },
    };
  }

  // run drives one stream in Envoy's order and returns what the client sees.
  // A local reply goes through proxy_on_response_headers, as Envoy's encoder
  // filters see it.
  run(c) {
    const x = this.x;
    const id = this.nextID++;
    const s = { req: c.reqLines.slice(), resp: null, reply: null };
    this.stream = s;
    x.proxy_on_context_create(id, ROOT);
    x.proxy_on_request_headers(id, s.req.length, 1);
    if (s.reply) {
      s.resp = s.reply.headers;
      x.proxy_on_response_headers(id, s.resp.length, 1);
    } else {
      s.resp = c.upLines.slice();
      x.proxy_on_response_headers(id, s.resp.length, 0);
    }
    // Callbacks the module does not export are skipped, as proxy-wasm-cpp-host does.
    if (x.proxy_on_log) x.proxy_on_log(id);
    if (x.proxy_on_done) x.proxy_on_done(id);
    x.proxy_on_delete(id);
    this.stream = null;
    return s;
  }
}

function encodeMap(lines) {
  let size = 4 + 8 * lines.length;
  for (const l of lines) size += l.nb.length + l.vb.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, lines.length, true);
  let off = 4 + 8 * lines.length;
  lines.forEach((l, i) => {
    dv.setUint32(4 + 8 * i, l.nb.length, true);
    dv.setUint32(8 + 8 * i, l.vb.length, true);
    out.set(l.nb, off); off += l.nb.length + 1;
    out.set(l.vb, off); off += l.vb.length + 1;
  });
  return out;
}

function decodeMap(b) {
  if (b.length === 0) return [];
  if (b.length < 4) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getUint32(0, true);
  let off = 4 + 8 * n;
  if (off > b.length) return null;
  const lines = [];
  for (let i = 0; i < n; i++) {
    const kl = dv.getUint32(4 + 8 * i, true), vl = dv.getUint32(8 + 8 * i, true);
    if (off + kl + vl + 2 > b.length) return null;
    const k = dec.decode(b.subarray(off, off + kl)); off += kl + 1;
    const v = dec.decode(b.subarray(off, off + vl)); off += vl + 1;
    lines.push([k, v]);
  }
  return lines;
}

// The client's view of a stream, as the Go side records it.
function outcome(s) {
  if (s.reply) return { localStatus: s.reply.status, localDetails: s.reply.details, headers: plain(s.resp) };
  return { localStatus: 0, localDetails: "", headers: plain(s.resp) };
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

// Check first: every case, cors and floor, as in wazero.
const plugins = Object.keys(input.modules);
let failed = 0;
const runs = [];
for (const c of input.cases) {
  c.reqLines = lowerLines(c.request);
  c.upLines = lowerLines(c.upstream);
  for (const p of plugins) {
    const vm = new VM(modules[p], p === "floor" ? c.floor : p === "cors" ? c.config : "");
    vm.run(c); // warm-up stream, as on the Go side
    const before = vm.hostCalls;
    const got = outcome(vm.run(c));
    const want = c.want[p];
    if (want) {
      const calls = vm.hostCalls - before;
      const g = { localStatus: got.localStatus, localDetails: got.localDetails, headers: got.headers };
      const w = { localStatus: want.localStatus, localDetails: want.localDetails, headers: want.headers };
      if (!same(g, w)) {
        failed++;
        console.error(`MISMATCH ${p} ${c.name}:\n  v8     ${JSON.stringify(g).slice(0, 2000)}\n  wazero ${JSON.stringify(w).slice(0, 2000)}`);
      }
      if (calls !== want.hostCalls) {
        failed++;
        console.error(`MISMATCH ${p} ${c.name}: ${calls} host calls per stream in V8, ${want.hostCalls} in wazero`);
      }
    }
    runs.push({ c, p, vm, wasmCalls: want ? want.wasmCalls : 12 });
  }
}
if (failed) {
  console.error(`v8bench: ${failed} mismatches with the wazero run; nothing timed`);
  process.exit(1);
}
console.log(`# v8bench: ${input.cases.length} cases x ${plugins.length} plugins agree with wazero; node ${process.version}, flags ${process.execArgv.join(" ")}`);
if (rounds === 0) process.exit(0); // check only

// Warm up (TurboFan compiles each function on its first calls), then
// calibrate: streams per batch so that a batch takes about batchMs, from the
// fastest of three trials (the machine is shared).
for (const r of runs) {
  for (let i = 0; i < 2000 && (i < 20 || r.c.name !== "AdversarialACRH1MiB"); i++) r.vm.run(r.c);
  let best = Infinity;
  const n = r.c.name === "AdversarialACRH1MiB" ? 4 : 200;
  for (let trial = 0; trial < 3; trial++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) r.vm.run(r.c);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  r.n = Math.max(1, Math.round((batchMs * 1e6) / best));
}

const names = { cors: "BenchmarkV8Stream", floor: "BenchmarkV8FloorPluginStream", empty: "BenchmarkV8EmptyPluginStream" };
console.log("goos: " + process.platform);
console.log("goarch: " + (process.arch === "x64" ? "amd64" : process.arch));
console.log("pkg: github.com/cors-wasm/cors-wasm/bench/v8");
for (let round = 0; round < rounds; round++) {
  // Interleaved: every plugin and case once per round, in a rotating order,
  // so load on the shared machine spreads over all of them alike.
  const order = runs.map((_, i) => runs[(i + round * 7) % runs.length]);
  for (const r of order) {
    const calls0 = r.vm.hostCalls;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < r.n; i++) r.vm.run(r.c);
    const ns = Number(process.hrtime.bigint() - t0) / r.n;
    const host = (r.vm.hostCalls - calls0) / r.n;
    if (r.vm.tickMs && r.vm.x.proxy_on_tick) r.vm.x.proxy_on_tick(ROOT);
    console.log(`${names[r.p]}/${r.c.name}-2\t${r.n}\t${ns.toFixed(1)} ns/op\t${host} hostcalls/op\t${r.wasmCalls} wasmcalls/op`);
  }
}

// Per-VM memory after configure: linear memory, and the module's compiled
// code (once per process, shared by its VMs).
for (const [name, config] of Object.entries(input.memory || {})) {
  const vm = new VM(modules.cors, config);
  console.log(`BenchmarkV8VMMemory/${name}-2\t1\t0 ns/op\t${vm.memory.buffer.byteLength} linear-mem-bytes\t${codeBytes.cors} code-bytes`);
}
