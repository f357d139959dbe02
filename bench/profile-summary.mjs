#!/usr/bin/env node
/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time by package (node_modules/<pkg>, node: internals, our
 * directories) and the top functions by self and by inclusive time.
 * Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=30] [filter regexp for inclusive times]
 */
import { readFileSync } from "node:fs";

const [file, topArg, filter] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const self = new Map();
const deltas = profile.timeDeltas;
for (let index = 0; index < profile.samples.length; index++) {
  const id = profile.samples[index];
  self.set(id, (self.get(id) ?? 0) + (deltas[index] ?? 0) / 1000);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(url) {
  if (!url) return "(native/vm)";
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const match = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) return match[1];
  const ours = url.match(/\/work\/[^/]+\/([^/]+)\/([^/]+)?/);
  return ours ? `ours:${ours[1]}/${ours[2] ?? ""}` : url.slice(-60);
}

const byArea = new Map();
const byFunction = new Map();
for (const [id, ms] of self) {
  const node = nodes.get(id);
  const frame = node.callFrame;
  const key = area(frame.url);
  byArea.set(key, (byArea.get(key) ?? 0) + ms);
  const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
}
const pct = (ms) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms`;
console.log(`total sampled ${total.toFixed(0)} ms`);
console.log("\n== self time by area");
for (const [key, ms] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(ms)}  ${key}`);
console.log("\n== self time by function");
for (const [key, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(ms)}  ${key}`);

// Inclusive time: each sample counts once for every distinct function on its stack.
const inclusive = new Map();
for (const [id, ms] of self) {
  const seen = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) {
    const frame = nodes.get(current).callFrame;
    const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
  }
}
const pattern = filter ? new RegExp(filter) : /work\/main\/(lib|agents|nodes|app)\//;
console.log(`\n== inclusive time, functions matching ${pattern}`);
for (const [key, ms] of [...inclusive].filter(([key]) => pattern.test(key) || (!filter && /\/(lib|agents|nodes)\//.test(key))).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(ms)}  ${key}`);
