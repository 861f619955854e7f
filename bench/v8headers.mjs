// Header maps of the V8 benchmark host (v8host.mjs), built so that a host
// call allocates nothing unless it stores new bytes: lines are offsets into
// bytes they share, names are compared as bytes in the guest's memory (no JS
// strings), and a map the guest only reads keeps its wire form, encoded once
// per case. Wire form (proxy-wasm ABI v0.2.1, little-endian): u32 count;
// count x (u32 name length, u32 value length); each name and value + NUL.

const enc = new TextEncoder();
const dec = new TextDecoder();

// A line is one header: its name (lowercase) and value are bytes of b, at
// offsets no and vo. Lines point into the bytes they came from (a case's
// encoded map, a local reply's, or the VM's per-stream store), so making one
// allocates no typed array; lines are never changed in place, so maps share them.
export const line = (b, no, nl, vo, vl) => ({ b, no, nl, vo, vl, vv: null });

// value returns a view of a line's value, made once per line: V8 copies a
// prepared view in a fixed ~15 ns, byte by byte in ~1.7 ns a byte.
export const value = (l) => l.vv || (l.vv = l.b.subarray(l.vo, l.vo + l.vl));

// A header map: lines in order, repeated names kept (Envoy's view). wire is
// its encoded form while it is known; lines is null until a reply's map is
// first read. Maps made from a case share its lines until they change.
export class HeaderMap {
  constructor(lines, wire, own) { this.lines = lines; this.wire = wire; this.own = own; }
  get entries() {
    if (this.lines === null) { this.lines = decodeLines(this.wire); this.own = true; }
    return this.lines;
  }
  // mutable returns the lines to change, copied first when shared.
  mutable() {
    const l = this.entries;
    this.wire = null;
    if (!this.own) { this.lines = l.slice(); this.own = true; }
    return this.lines;
  }
}

// A case's header lines, encoded once; fresh() gives each stream its own map.
export class Headers {
  constructor(pairs) {
    // Names lowercase, as Envoy stores them.
    this.wire = encodePairs(pairs.map(([n, v]) => [enc.encode(n.toLowerCase()), enc.encode(v)]));
    this.lines = decodeLines(this.wire);
  }
  fresh() { return new HeaderMap(this.lines, this.wire, false); }
}

function encodePairs(pairs) {
  let size = 4 + 8 * pairs.length;
  for (const [n, v] of pairs) size += n.length + v.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, pairs.length, true);
  let off = 4 + 8 * pairs.length;
  pairs.forEach(([n, v], i) => {
    dv.setUint32(4 + 8 * i, n.length, true);
    dv.setUint32(8 + 8 * i, v.length, true);
    out.set(n, off); off += n.length + 1;
    out.set(v, off); off += v.length + 1;
  });
  return out;
}

// wireSize is the encoded size of lines.
export function wireSize(lines) {
  let size = 4 + 8 * lines.length;
  for (let i = 0; i < lines.length; i++) size += lines[i].nl + lines[i].vl + 2;
  return size;
}

// encodeInto writes the wire form of lines at off in u8 (wireSize bytes).
export function encodeInto(lines, u8, dv, off) {
  dv.setUint32(off, lines.length, true);
  let at = off + 4 + 8 * lines.length;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    dv.setUint32(off + 4 + 8 * i, l.nl, true);
    dv.setUint32(off + 8 + 8 * i, l.vl, true);
    copy(u8, at, l.b, l.no, l.nl); at += l.nl; u8[at++] = 0;
    copy(u8, at, l.b, l.vo, l.vl); at += l.vl; u8[at++] = 0;
  }
}

// copy copies n bytes: a loop for short strings (~1.7 ns a byte in V8),
// set of a subarray for longer ones (~50 ns whatever the length).
export function copy(dst, at, src, from, n) {
  if (n > 24) { dst.set(src.subarray(from, from + n), at); return; }
  for (let i = 0; i < n; i++) dst[at + i] = src[from + i];
}

// decodeLines parses a wire map (a private copy, whose names it lowercases);
// null when malformed.
export function decodeLines(b) {
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
    for (let j = off; j < off + kl; j++) if (b[j] >= 65 && b[j] <= 90) b[j] += 32;
    lines.push(line(b, off, kl, off + kl + 1, vl));
    off += kl + vl + 2;
  }
  return lines;
}

// find returns the index of the first line from `from` whose name equals the
// len bytes at ptr in u8, compared case-insensitively; -1 when none.
export function find(lines, from, u8, ptr, len) {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    if (l.nl !== len) continue;
    const b = l.b, no = l.no;
    let j = 0;
    for (; j < len; j++) {
      let c = u8[ptr + j];
      if (c >= 65 && c <= 90) c += 32;
      if (c !== b[no + j]) break;
    }
    if (j === len) return i;
  }
  return -1;
}

export const str = (b) => dec.decode(b);
export const pairsOf = (m) => m.entries.map((l) => [str(l.b.subarray(l.no, l.no + l.nl)), str(l.b.subarray(l.vo, l.vo + l.vl))]);

// countOf is the line count of a wire map.
export const countOf = (w) => (w.length >= 4 ? w[0] | (w[1] << 8) | (w[2] << 16) | (w[3] << 24) : 0);
