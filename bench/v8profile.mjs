// Where a case's time goes in V8: runs one case's streams through a plugin
// for a few seconds under V8's sampling profiler and prints the self time of
// each function, guest (wasm) and host (JavaScript) alike. Function names
// need a module that keeps its name section (a build without -ldflags=-s):
//
//   GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o build/v8/cors-named.wasm ./cmd/cors-wasm
//   node --no-liftoff bench/v8profile.mjs build/v8/cases.json AllowedPreflight build/v8/cors-named.wasm [seconds]
//
// cases.json is what `make bench` writes (V8_CASES=... go test -run
// TestWriteV8Cases ./bench); the plugin gets the case's cors configuration,
// or its floor script when the module's file name starts with "floor".

import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { basename } from "node:path";
import { VM, Headers } from "./v8host.mjs";

const [casesPath, caseName, wasmPath, secsArg] = process.argv.slice(2);
if (!wasmPath) {
  console.error("usage: node --no-liftoff bench/v8profile.mjs CASES.json CASE MODULE.wasm [seconds]");
  process.exit(2);
}
const c = JSON.parse(readFileSync(casesPath, "utf8")).cases.find((x) => x.name === caseName);
if (!c) {
  console.error(`no case ${caseName} in ${casesPath}`);
  process.exit(2);
}
const vm = new VM(new WebAssembly.Module(readFileSync(wasmPath)), basename(wasmPath).startsWith("floor") ? c.floor : c.config);
const req = new Headers(c.request), up = new Headers(c.upstream);
for (let i = 0; i < 20000; i++) vm.run(req, up); // warm-up: TurboFan code, steady buffers

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 20 }); // microseconds
await session.post("Profiler.start");
const end = Date.now() + 1000 * Number(secsArg || 5);
let streams = 0;
const t0 = process.cpuUsage();
while (Date.now() < end) {
  for (let i = 0; i < 1000; i++) vm.run(req, up);
  streams += 1000;
}
const cpu = process.cpuUsage(t0);
const { profile } = await session.post("Profiler.stop");

const self = new Map();
const byID = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => {
  const f = byID.get(id).callFrame;
  const name = f.functionName || "(anonymous)";
  self.set(name, (self.get(name) || 0) + profile.timeDeltas[i]);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const perStream = ((cpu.user + cpu.system) * 1000) / streams;
console.log(`${caseName} through ${basename(wasmPath)}: ${streams} streams, ${perStream.toFixed(0)} ns of CPU each under the profiler`);
for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);
}
