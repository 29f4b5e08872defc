// `npm run bench:libvig`: the cost of one emap lookup of a 13-byte NAT flow key in a 65,536-entry table at 90%
// occupancy, called from WebAssembly through the libvig import as an NF calls it, side by side with the same
// lookup in C (libvig/bench/flow_lookup.c, gcc -O2). Both sides get the same keys in the same order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSource } from '../../toolchain/build.ts';
import { createLibVig } from '../runtime/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const KEY_SIZE = 13;
const CAPACITY = 65_536;
const KEY_COUNT = Math.floor(CAPACITY * 0.9);
const MISS_COUNT = KEY_COUNT;
const ROUNDS = 20;
const REPETITIONS = 10;
const TARGET_RATIO = 2;

interface Figures {
  hitNs: number;
  missNs: number;
  hitSum: number;
  missSum: number;
}

/** KEY_COUNT distinct keys to insert, the same keys shuffled (hits), then MISS_COUNT keys never inserted. */
function makeKeys(): Uint8Array {
  let state = 0x2545f491;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const seen = new Set<string>();
  const distinct: Uint8Array[] = [];
  while (distinct.length < KEY_COUNT + MISS_COUNT) {
    const key = Uint8Array.from({ length: KEY_SIZE }, () => random() & 0xff);
    const text = key.join(',');
    if (!seen.has(text)) distinct.push(key), seen.add(text);
  }
  const inserted = distinct.slice(0, KEY_COUNT);
  const shuffled = [...inserted];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random() % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const all = new Uint8Array((2 * KEY_COUNT + MISS_COUNT) * KEY_SIZE);
  [...inserted, ...shuffled, ...distinct.slice(KEY_COUNT)].forEach((key, k) => all.set(key, k * KEY_SIZE));
  return all;
}

function runC(keys: Uint8Array): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'libvig-bench-'));
  try {
    const binary = join(dir, 'flow_lookup');
    const gcc = spawnSync('gcc', ['-O2', '-o', binary, join(HERE, 'flow_lookup.c')], { encoding: 'utf8' });
    if (gcc.error || gcc.status !== 0) throw new Error(`gcc failed (the C baseline needs gcc: apt-get install -y gcc):\n${gcc.error?.message ?? gcc.stderr}`);
    const run = spawnSync(binary, [CAPACITY, KEY_COUNT, MISS_COUNT, ROUNDS].map(String), { input: keys, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the C baseline failed: ${run.stderr}`);
    const [hitNs, missNs, hitSum, missSum] = run.stdout.trim().split(' ').map(Number) as [number, number, number, number];
    return { hitNs, missNs, hitSum, missSum };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Driver {
  memory: WebAssembly.Memory;
  reserve_keys(count: number): number;
  fill(capacity: number, keys: number, count: number): void;
  lookup_all(keys: number, count: number, rounds: number): number;
}

async function runWasm(keys: Uint8Array): Promise<Figures> {
  const driverSource = join(HERE, 'as', 'flow_lookup.ts');
  const { wasm } = await compileSource(driverSource, { exports: [] });
  let driver: Driver | null = null;
  const libvig = createLibVig(() => driver!.memory);
  const abort = (): never => {
    throw new Error(`${driverSource} aborted`);
  };
  const { instance } = await WebAssembly.instantiate(wasm, { libvig: libvig.imports, env: { abort } });
  driver = instance.exports as unknown as Driver;
  const base = driver.reserve_keys(keys.length / KEY_SIZE);
  new Uint8Array(driver.memory.buffer).set(keys, base);
  const hits = base + KEY_COUNT * KEY_SIZE;
  const misses = base + 2 * KEY_COUNT * KEY_SIZE;
  driver.fill(CAPACITY, base, KEY_COUNT);
  const best = (at: number, count: number): number => {
    let bestNs = Infinity;
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      const started = performance.now();
      driver!.lookup_all(at, count, ROUNDS);
      bestNs = Math.min(bestNs, ((performance.now() - started) * 1e6) / (ROUNDS * count));
    }
    return bestNs;
  };
  best(misses, MISS_COUNT); // warm-up: lets V8 optimise the driver and the host functions
  return { hitNs: best(hits, KEY_COUNT), missNs: best(misses, MISS_COUNT), hitSum: driver.lookup_all(hits, KEY_COUNT, 1), missSum: driver.lookup_all(misses, MISS_COUNT, 1) };
}

const keys = makeKeys();
const c = runC(keys);
const ours = await runWasm(keys);
if (c.hitSum !== ours.hitSum || c.missSum !== ours.missSum) {
  throw new Error(`the two tables disagree: C found index sums ${c.hitSum}/${c.missSum}, libvig ${ours.hitSum}/${ours.missSum}`);
}
const row = (what: string, cNs: number, oursNs: number): string =>
  `${what.padEnd(6)} ${cNs.toFixed(1).padStart(8)} ${oursNs.toFixed(1).padStart(8)} ${(oursNs / cNs).toFixed(2).padStart(6)}`;
console.log(`emap lookup, ${KEY_SIZE}-byte keys, ${KEY_COUNT} of ${CAPACITY} slots used (90%), best of ${REPETITIONS} x ${ROUNDS} passes`);
console.log('lookup   C ns  ours ns  ratio');
console.log(row('hit', c.hitNs, ours.hitNs));
console.log(row('miss', c.missNs, ours.missNs));
const ratio = ours.hitNs / c.hitNs;
console.log(ratio <= TARGET_RATIO ? `hit ratio ${ratio.toFixed(2)} <= ${TARGET_RATIO}: target met` : `hit ratio ${ratio.toFixed(2)} > ${TARGET_RATIO}: target missed`);
process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
