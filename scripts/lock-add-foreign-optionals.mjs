// The npm registry reachable here lacks other platforms' builds (e.g. @swc/core-darwin-arm64), so `npm install`
// leaves them out of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds a lock entry
// (version, os, cpu, optional) for each missing platform-specific optional dependency; `npm ci` skips them on this
// platform as it would with a complete lock. Run after `npm install` changes dependencies:
//   node scripts/lock-add-foreign-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'sunos', 'aix', 'netbsd'];
const CPU = { arm64: 'arm64', x64: 'x64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', wasm32: 'wasm32' };
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[base] || lock.packages[`node_modules/${name}`]) continue;
    const parts = name.split(/[-/]/);
    const os = OS.find((o) => parts.includes(o));
    const cpu = Object.keys(CPU).find((c) => parts.includes(c));
    const item = { version, optional: true };
    if (entry.dev) item.dev = true;
    if (os) item.os = [os];
    if (cpu) item.cpu = [CPU[cpu]];
    if (name.includes('musl')) item.libc = ['musl'];
    else if (name.includes('gnu')) item.libc = ['glibc'];
    lock.packages[`node_modules/${name}`] = item;
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} foreign optional entries`);
