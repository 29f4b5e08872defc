// `node --import ./loader/register.js libvig/bench/imports.ts`: what one call of each per-packet libvig import costs from
// WebAssembly, next to an import that does nothing (the boundary itself), with keys and records in cache so
// that the figures are the calls' own work, on both run-times side by side. Run it before and after a change.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSource } from '../../toolchain/build.ts';
import { lateBinding } from '../../toolchain/late-binding.ts';
import { functionBody, functionType, KIND, MAGIC_AND_VERSION, name, op, section, SECTION, TYPE, vector } from '../../toolchain/wasm-encoding.ts';
import { createLibVig } from '../runtime/index.ts';
import { compiledLibVig, wasmLibVig } from '../wasm/load.ts';
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
const driverModule = new WebAssembly.Module(wasm);
const abort = (): never => {
  throw new Error(`${source} aborted`);
};
const NOTHING_SIGNATURE = { nothing: { params: [['a', 'i32'], ['b', 'i32'], ['c', 'i32']], result: null } } as const;

/**
 * The driver on the JavaScript run-time, with `bench.nothing` a JavaScript function (a wasm-to-js call); or on the
 * WebAssembly run-time (libvig/wasm/), with `bench.nothing` a WebAssembly function reached as the run-time's imports
 * are, through toolchain/late-binding.ts (a wasm-to-wasm call and a call_indirect into another module).
 */
function driverOn(runtime: 'JavaScript' | 'WebAssembly', libvigModule: WebAssembly.Module): Driver {
  let driver: Driver | null = null;
  if (runtime === 'JavaScript') {
    const libvig = createLibVig(() => driver!.memory);
    driver = new WebAssembly.Instance(driverModule, { libvig: libvig.imports, bench: { nothing: () => {} }, env: { abort } }).exports as unknown as Driver;
  } else {
    const libvig = wasmLibVig(libvigModule);
    const nothing = lateBinding(NOTHING_SIGNATURE);
    driver = new WebAssembly.Instance(driverModule, { libvig: libvig.imports, bench: nothing.imports, env: { abort } }).exports as unknown as Driver;
    libvig.attach(driver.memory);
    nothing.bind('nothing', new WebAssembly.Instance(new WebAssembly.Module(doNothingModule())).exports.nothing!);
  }
  driver.setup();
  return driver;
}

/** A module exporting `nothing(a, b, c)`, which returns at once. */
function doNothingModule(): Uint8Array {
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector([functionType([TYPE.i32, TYPE.i32, TYPE.i32], [])])),
    ...section(SECTION.function, vector([[0]])),
    ...section(SECTION.export, vector([[...name('nothing'), KIND.function, 0]])),
    ...section(SECTION.code, vector([functionBody([], [op.end])])),
  ]);
}

const libvigModule = await compiledLibVig();
const drivers = { JavaScript: driverOn('JavaScript', libvigModule), WebAssembly: driverOn('WebAssembly', libvigModule) };
console.log('import                      ns per call (CPU time, best of 30 passes): JavaScript run-time, WebAssembly run-time');
MEASURED.forEach((what, which) => {
  const figures = Object.values(drivers).map((driver) => {
    // Many short calls first: V8 switches to optimised code between calls.
    for (let run = 0; run < WARM_UP_RUNS; run++) driver.run(which, 1000);
    return bestCpuNsPerCall(() => driver.run(which, CALLS), CALLS, REPETITIONS).toFixed(1).padStart(6);
  });
  console.log(`${what.padEnd(27)} ${figures.join('  ')}`);
});
