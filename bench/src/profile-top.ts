/**
 * Reads a V8 CPU profile (as `node --cpu-prof` writes, e.g. from
 * `npm run bench -- --cpu-prof DIR`) and prints where the time went: the
 * functions with the most self time, the functions with the most total time
 * (self plus callees; time under a recursive function is counted once), self
 * time per package or source area, and the same with the time of Node's
 * internals and native code charged to the package that called them (so
 * `writev` under Fastify's reply counts for Fastify, `randomFillSync` under
 * `newId` for the server's db code).
 *
 * Usage: `node bench/dist/profile-top.js DIR/server-sqlite.cpuprofile [rows]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const [file, rowsText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/dist/profile-top.js FILE.cpuprofile [rows]\n');
  process.exit(2);
}
const rows = Number(rowsText ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);
const msPerSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
};
const area = (node: ProfileNode) => {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /packages\/([^/]+)\/dist\/([^/]+)/.exec(url);
  if (own) return `@cipherpad/${own[1]} ${own[2]}`;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:');
  return url;
};

/** An area that is Node itself or native code, charged to its caller instead. */
const isPlumbing = (name: string) =>
  name.startsWith('node:') || name.startsWith('(native)') || name === '(garbage collector)';

const self = new Map<string, number>();
const total = new Map<string, number>();
const areas = new Map<string, number>();
const charged = new Map<string, number>();
const add = (map: Map<string, number>, key: string, value: number) =>
  map.set(key, (map.get(key) ?? 0) + value);
for (const id of profile.samples) {
  const leaf = byId.get(id);
  if (!leaf) continue;
  add(self, label(leaf), 1);
  add(areas, area(leaf), 1);
  let owner = area(leaf);
  for (let at = parent.get(id); isPlumbing(owner) && at !== undefined; at = parent.get(at)) {
    const name = area(byId.get(at)!);
    if (!isPlumbing(name) && name !== '(root)') owner = name;
  }
  add(charged, owner, 1);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (!seen.has(name)) {
      seen.add(name);
      add(total, name, 1);
    }
  }
}

const samples = profile.samples.length;
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  const sorted = [...map].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [name, count] of sorted) {
    const pct = ((100 * count) / samples).toFixed(1).padStart(5);
    const ms = (count * msPerSample).toFixed(0).padStart(7);
    process.stdout.write(`${pct}% ${ms} ms  ${name}\n`);
  }
};
process.stdout.write(
  `${file}: ${samples} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n`,
);
print('Self time by package / area', areas);
print('Self time by package / area, Node internals and native code charged to the caller', charged);
print('Self time by function', self);
print('Total time by function (self + callees)', total);
