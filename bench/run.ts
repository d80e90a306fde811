/**
 * `npm run bench` runs every benchmark; `npm run bench -- sim` runs one.
 * Benchmarks live in packages/<name>/bench/<bench>.bench.ts; each prints one
 * JSON object per figure on stdout: {"bench","figure","value","unit"}.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';

const root = join(import.meta.dirname, '..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const benches: Array<{ name: string; file: string }> = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    benches.push({ name: file.replace(/\.bench\.ts$/, ''), file: join(dir, file) });
  }
}
// `acd` runs acd-engine and acd-pools: a name selects itself and its `name-…` family.
const selected = wanted.length === 0 ? benches : benches.filter((b) => wanted.some((w) => b.name === w || b.name.startsWith(`${w}-`)));
if (selected.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. There are: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
console.error(`# machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
let failed = 0;
for (const bench of selected) {
  console.error(`# ${bench.name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', bench.file], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) {
    failed++;
    console.error(`# ${bench.name} failed with exit code ${run.status}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
