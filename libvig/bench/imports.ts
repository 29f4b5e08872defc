// `node --import tsx libvig/bench/imports.ts`: what one call of each per-packet libvig import costs from
// WebAssembly, next to an import that does nothing (the boundary itself), with keys and records in cache so
// that the figures are the calls' own work. Run it with libvig/runtime/ before and after a change.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSource } from '../../toolchain/build.ts';
import { createLibVig } from '../runtime/index.ts';
import { bestCpuNsPerCall } from './cpu-time.ts';

/** In the order of the driver's constants (bench/as/imports.ts). */
const MEASURED = ['nothing (the boundary)', 'emap_get, hit', 'emap_get, miss', 'emap_refresh', 'emap_get_key', 'emap_expire, nothing due', 'vector_get', 'vector_set', 'lpm_lookup'];
const CALLS = 50_000;
const WARM_UP_RUNS = 40;
const REPETITIONS = 30;

interface Driver {
  memory: WebAssembly.Memory;
  setup(): void;
  run(which: number, count: number): number;
}

const source = join(dirname(fileURLToPath(import.meta.url)), 'as', 'imports.ts');
const { wasm } = await compileSource(source, { exports: [] });
let driver: Driver | null = null;
const libvig = createLibVig(() => driver!.memory);
const abort = (): never => {
  throw new Error(`${source} aborted`);
};
const { instance } = await WebAssembly.instantiate(wasm, { libvig: libvig.imports, bench: { nothing: () => {} }, env: { abort } });
driver = instance.exports as unknown as Driver;
driver.setup();
console.log('import                      ns per call (CPU time, best of 30 passes)');
MEASURED.forEach((what, which) => {
  // Many short calls first: V8 switches to optimised code between calls.
  for (let run = 0; run < WARM_UP_RUNS; run++) driver!.run(which, 1000);
  console.log(`${what.padEnd(27)} ${bestCpuNsPerCall(() => driver!.run(which, CALLS), CALLS, REPETITIONS).toFixed(1).padStart(6)}`);
});
