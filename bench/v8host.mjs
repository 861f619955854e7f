// A proxy-wasm host for V8 benchmarks (bench/v8bench.mjs), as cheap per host
// call as the engine allows, so that the host stands in fairly for Envoy's
// C++ host functions: header maps as v8headers.mjs keeps them, a local reply's
// map decoded only if someone reads it, memory views made again only when the
// guest's memory grew, and bytes the guest adds copied into a store reused
// stream after stream. What it does is what wasmhost (Go)
// does, and v8bench.mjs checks both give the same answers and host calls.

// ABI v0.2.1 numbers.
export const OK = 0, NOT_FOUND = 1, BAD_ARGUMENT = 2, UNIMPLEMENTED = 12;
const MAP_REQUEST = 0, MAP_RESPONSE = 2, BUFFER_PLUGIN_CONFIG = 7;
const LOG_INFO = 2;
export const ROOT = 1;

// Phases in which only some calls are allowed (proxy-wasm-cpp-host).
const CALLBACK = 0, INIT = 1, ALLOCATE = 2, CONFIGURE = 3;

import {
  HeaderMap, countOf, copy, decodeLines, encodeInto, find, line, str, value, wireSize,
} from "./v8headers.mjs";

export { Headers, pairsOf, str } from "./v8headers.mjs";

const enc = new TextEncoder();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

// VM is one instance of a module with one configured root context.
export class VM {
  constructor(module, config) {
    this.config = enc.encode(config);
    this.hostCalls = 0;
    this.logs = [];
    this.metrics = [];
    this.phase = INIT;
    this.req = null; // the current stream's maps
    this.resp = null;
    this.reply = null;
    this.store = new Uint8Array(1 << 16);
    this.top = 0;
    const env = this.env(), wasi = this.wasi();
    const imports = { env: {}, wasi_snapshot_preview1: {} };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind !== "function") continue;
      const impl = (imp.module === "env" ? env : wasi)[imp.name];
      imports[imp.module][imp.name] = impl || (() => { this.hostCalls++; return UNIMPLEMENTED; });
    }
    this.instance = new WebAssembly.Instance(module, imports);
    this.x = this.instance.exports;
    this.memory = this.x.memory;
    this.views();
    this.alloc = this.x.proxy_on_memory_allocate;
    this.x._initialize();
    this.phase = CALLBACK;
    this.x.proxy_on_context_create(ROOT, 0);
    if (this.x.proxy_on_vm_start && !this.x.proxy_on_vm_start(ROOT, 0)) throw new Error("vm_start refused");
    this.phase = CONFIGURE;
    const ok = this.x.proxy_on_configure ? this.x.proxy_on_configure(ROOT, this.config.length) : 1;
    this.phase = CALLBACK;
    if (!ok) throw new Error("configuration refused: " + this.logs.join("\n"));
    this.nextID = ROOT + 1;
  }

  // views makes the memory views again; a grown memory detaches the old
  // buffer, whose views then have length 0.
  views() {
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
  }
  mem() {
    if (this.u8.length === 0) this.views();
    return this.u8;
  }
  dview() {
    if (this.u8.length === 0) this.views();
    return this.dv;
  }
  text(ptr, len) { return str(this.mem().subarray(ptr, ptr + len)); }

  // give copies bytes into memory the guest allocates, and stores the
  // address and size at the out-pointers.
  give(bytes, ptrOut, sizeOut) {
    let addr = 0;
    if (bytes.length !== 0) {
      addr = this.allocate(bytes.length);
      this.mem().set(bytes, addr);
    }
    const dv = this.dview();
    dv.setUint32(ptrOut, addr, true);
    dv.setUint32(sizeOut, bytes.length, true);
    return OK;
  }
  allocate(n) {
    const prev = this.phase;
    this.phase = ALLOCATE;
    const addr = this.alloc(n) >>> 0;
    this.phase = prev;
    return addr;
  }
  // keep copies len bytes at ptr into the stream's store (lowercased when
  // lower) and returns their offset there. The store is reused by the next
  // stream; a full one is replaced, and lines keep the one they point into.
  keep(ptr, len, lower) {
    if (this.top + len > this.store.length) {
      this.store = new Uint8Array(Math.max(2 * this.store.length, len));
      this.top = 0;
    }
    const at = this.top, st = this.store;
    copy(st, at, this.mem(), ptr, len);
    if (lower) for (let i = at; i < at + len; i++) if (st[i] >= 65 && st[i] <= 90) st[i] += 32;
    this.top += len;
    return at;
  }
  // stored returns a line of the name and value at kp and vp in guest memory.
  stored(kp, kl, vp, vl) {
    const no = this.keep(kp, kl, true), vo = this.keep(vp, vl, false);
    return line(this.store, no, kl, vo, vl);
  }
  map(t) {
    if (t === MAP_REQUEST) return this.req;
    if (t === MAP_RESPONSE) return this.resp;
    return null;
  }
  enter() {
    this.hostCalls++;
    if (this.phase === ALLOCATE || this.phase === INIT) throw new Error("host call in a restricted phase");
  }

  env() {
    const vm = this;
    return {
      proxy_log(level, ptr, len) { vm.enter(); vm.logs.push(level + " " + vm.text(ptr, len)); return OK; },
      proxy_get_log_level(out) { vm.enter(); vm.dview().setUint32(out, LOG_INFO, true); return OK; },
      proxy_get_buffer_bytes(type, start, max, ptrOut, sizeOut) {
        vm.enter();
        if (type !== BUFFER_PLUGIN_CONFIG || vm.phase !== CONFIGURE) return NOT_FOUND;
        const end = Math.min(vm.config.length, start + (max >>> 0));
        return vm.give(vm.config.subarray(start, Math.max(start, end)), ptrOut, sizeOut);
      },
      proxy_get_header_map_pairs(t, ptrOut, sizeOut) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        if (m.wire !== null) return vm.give(m.wire, ptrOut, sizeOut);
        const lines = m.entries, size = wireSize(lines), addr = vm.allocate(size);
        const dv = vm.dview();
        encodeInto(lines, vm.mem(), dv, addr);
        dv.setUint32(ptrOut, addr, true);
        dv.setUint32(sizeOut, size, true);
        return OK;
      },
      proxy_set_header_map_pairs(t, ptr, len) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const at = vm.keep(ptr, len, false);
        const lines = decodeLines(vm.store.subarray(at, at + len));
        if (!lines) return BAD_ARGUMENT;
        m.lines = lines; m.own = true; m.wire = null;
        return OK;
      },
      proxy_get_header_map_value(t, kp, kl, ptrOut, sizeOut) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const lines = m.entries;
        const i = find(lines, 0, vm.mem(), kp, kl);
        if (i < 0) return NOT_FOUND;
        return vm.give(value(lines[i]), ptrOut, sizeOut);
      },
      proxy_add_header_map_value(t, kp, kl, vp, vl) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        m.mutable().push(vm.stored(kp, kl, vp, vl));
        return OK;
      },
      proxy_replace_header_map_value(t, kp, kl, vp, vl) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const u8 = vm.mem();
        const lines = m.mutable();
        const i = find(lines, 0, u8, kp, kl);
        const l = vm.stored(kp, kl, vp, vl);
        if (i < 0) { lines.push(l); return OK; }
        lines[i] = l;
        for (let j = find(lines, i + 1, u8, kp, kl); j >= 0; j = find(lines, j, u8, kp, kl)) lines.splice(j, 1);
        return OK;
      },
      proxy_remove_header_map_value(t, kp, kl) {
        vm.enter();
        const m = vm.map(t);
        if (!m) return NOT_FOUND;
        const u8 = vm.mem();
        if (find(m.entries, 0, u8, kp, kl) < 0) return OK;
        const lines = m.mutable();
        for (let j = find(lines, 0, u8, kp, kl); j >= 0; j = find(lines, j, u8, kp, kl)) lines.splice(j, 1);
        return OK;
      },
      proxy_send_local_response(status, dp, dl, bp, bl, hp, hl, grpc) {
        vm.enter();
        if (!vm.req) return NOT_FOUND;
        // Kept as sent; decoded only if read (v8bench checks it, the guest
        // may). Copied into the store: Node 20's slice of 300 bytes takes
        // ~450 ns, set of a subarray ~50.
        const at = vm.keep(dp, dl, false);
        const details = line(vm.store, at, dl, 0, 0);
        const wat = vm.keep(hp, hl, false);
        vm.reply = { status, details, wire: vm.store.subarray(wat, wat + hl), body: bl };
        return OK;
      },
      proxy_define_metric(type, np, nl, idOut) {
        vm.enter();
        vm.metrics.push({ name: vm.text(np, nl), value: 0 });
        vm.dview().setUint32(idOut, vm.metrics.length, true);
        return OK;
      },
      proxy_increment_metric(id, delta) {
        vm.enter();
        const m = vm.metrics[id - 1];
        if (m === undefined) return NOT_FOUND;
        if (delta <= 0n) return BAD_ARGUMENT;
        m.value += Number(delta);
        return OK;
      },
      proxy_record_metric(id, value) {
        vm.enter();
        const m = vm.metrics[id - 1];
        if (m === undefined) return NOT_FOUND;
        m.value = Number(value);
        return OK;
      },
      proxy_set_tick_period_milliseconds(ms) { vm.enter(); vm.tickMs = ms; return OK; },
      proxy_get_property() { vm.enter(); return NOT_FOUND; },
      proxy_set_effective_context() { vm.enter(); return OK; },
    };
  }

  wasi() {
    const vm = this;
    return {
      args_sizes_get(a, b) { const dv = vm.dview(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
      environ_sizes_get(a, b) { const dv = vm.dview(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
      args_get() { return 0; },
      environ_get() { return 0; },
      clock_time_get(id, precision, out) {
        vm.hostCalls++;
        const now = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
        vm.dview().setBigUint64(out, now, true);
        return 0;
      },
      random_get(ptr, len) { crypto.getRandomValues(vm.mem().subarray(ptr, ptr + len)); return 0; },
      fd_write(fd, iovs, n, out) {
        vm.hostCalls++;
        const dv = vm.dview();
        let total = 0, msg = "";
        for (let i = 0; i < n; i++) {
          const p = dv.getUint32(iovs + 8 * i, true), l = dv.getUint32(iovs + 8 * i + 4, true);
          msg += vm.text(p, l);
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
        const dv = vm.dview();
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

  // run drives one stream in Envoy's order (req and up are Headers) and
  // returns the response map and the local reply, if any. A local reply goes
  // through proxy_on_response_headers, as Envoy's encoder filters see it.
  run(req, up) {
    const x = this.x;
    const id = this.nextID++;
    this.req = req.fresh();
    this.reply = null;
    this.top = 0;
    x.proxy_on_context_create(id, ROOT);
    x.proxy_on_request_headers(id, req.lines.length, 1);
    const reply = this.reply;
    if (reply !== null) {
      this.resp = new HeaderMap(null, reply.wire, true);
      x.proxy_on_response_headers(id, countOf(reply.wire), 1);
    } else {
      this.resp = up.fresh();
      x.proxy_on_response_headers(id, up.lines.length, 0);
    }
    // Callbacks the module does not export are skipped, as proxy-wasm-cpp-host does.
    if (x.proxy_on_log) x.proxy_on_log(id);
    if (x.proxy_on_done) x.proxy_on_done(id);
    x.proxy_on_delete(id);
    const out = { resp: this.resp, reply };
    this.req = this.resp = null;
    return out;
  }
}

