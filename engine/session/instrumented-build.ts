// A copy of a build that reports every load and store (Binaryen's `instrument-memory`), for replays that watch memory: the stack's rules, and the regions an access must lie in.
//
// The copy's code is the build's, with a call before each access; a copy may also have the bodies of some exports
// replaced by calls of REPLAY_MODULE's imports (the layers around the one a stack replay runs). Binaryen takes
// seconds to load: it loads only when a copy is not in .cache/replay-builds yet.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import type binaryenModule from 'assemblyscript/binaryen';
import { PROJECT_ROOT } from '../../toolchain/build.ts';

/** The module of the imports the copy calls in place of the replaced exports' code. */
export const REPLAY_MODULE = 'vigor_replay';

const compiled = new Map<string, WebAssembly.Module>();

/** The copies on disk, keyed by the build, the functions replaced and this file (which says how a copy is made). */
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'replay-builds');
const RECIPE = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);

/** The build (`hash` names its binary) with every load and store reported and the `replaced` exports' bodies calls of REPLAY_MODULE's imports. */
export async function instrumentedModule(nf: { hash: string; wasm: Uint8Array }, replaced: readonly string[] = []): Promise<WebAssembly.Module> {
  const key = `${nf.hash}-${createHash('sha256').update(replaced.join(',')).digest('hex').slice(0, 8)}`;
  let module = compiled.get(key);
  if (module) return module;
  const file = join(CACHE_DIR, `${key}-${RECIPE}.wasm`);
  if (!existsSync(file)) {
    const binary = instrument((await import('assemblyscript/binaryen')).default, nf.wasm, replaced);
    mkdirSync(CACHE_DIR, { recursive: true });
    // Of this thread's own: the pool's workers are threads of one process.
    const staging = `${file}.${process.pid}.${threadId}`;
    writeFileSync(staging, binary);
    renameSync(staging, file);
  }
  module = new WebAssembly.Module(readFileSync(file));
  compiled.set(key, module);
  return module;
}

function instrument(binaryen: typeof binaryenModule, wasm: Uint8Array, replaced: readonly string[]): Uint8Array {
  const copy = binaryen.readBinary(wasm);
  try {
    copy.setFeatures(binaryen.Features.All);
    // binaryen.js has `Function` on the namespace; its typings misplace it on Module instances.
    const functions = (binaryen as unknown as { Function: { setBody(func: binaryenModule.FunctionRef, body: binaryenModule.ExpressionRef): void } }).Function;
    for (const name of replaced) {
      const entry = copy.getFunction(binaryen.getExportInfo(copy.getExport(name)).value);
      const { params, results } = binaryen.getFunctionInfo(entry);
      copy.addFunctionImport(`vigor$${name}`, REPLAY_MODULE, name, params, results);
      const operands = binaryen.expandType(params).map((type, i) => copy.local.get(i, type));
      functions.setBody(entry, copy.call(`vigor$${name}`, operands, results));
    }
    copy.runPasses(['instrument-memory']);
    return copy.emitBinary();
  } finally {
    copy.dispose();
  }
}

/** What the copy's code is about to do to memory: an access of `bytes` bytes at `address` (offset included), or a memory.grow. */
export interface MemoryWatch {
  access(address: number, bytes: number, write: boolean): void;
  grown?(): void;
}

/**
 * The `env` imports `instrument-memory` adds, reporting to `watch` (the values pass through unchanged). A store's
 * address comes before its value is computed (which may load): it is reported with the value, as it happens.
 */
export function memoryHooks(watch: MemoryWatch): Record<string, WebAssembly.ImportValue> {
  const stores: [address: number, bytes: number][] = [];
  const at = (address: number, offset: number) => (address >>> 0) + (offset >>> 0);
  const same = (_id: number, value: unknown) => value;
  const stored = (_id: number, value: unknown) => {
    const [address, bytes] = stores.pop()!;
    watch.access(address, bytes, true);
    return value;
  };
  const env: Record<string, WebAssembly.ImportValue> = {
    load_ptr: (_id: number, bytes: number, offset: number, address: number): number => {
      watch.access(at(address, offset), bytes, false);
      return address;
    },
    store_ptr: (_id: number, bytes: number, offset: number, address: number): number => {
      stores.push([at(address, offset), bytes]);
      return address;
    },
    memory_grow_pre: same,
    memory_grow_post: (_id: number, value: unknown) => {
      watch.grown?.();
      return value;
    },
  };
  for (const type of ['i32', 'i64', 'f32', 'f64']) {
    env[`load_val_${type}`] = same;
    env[`store_val_${type}`] = stored;
    for (const kind of ['struct_get_val', 'struct_set_val', 'array_get_val', 'array_set_val']) env[`${kind}_${type}`] = same;
  }
  env.array_get_index = same;
  env.array_set_index = same;
  return env;
}

/**
 * An access outside the regions the verifier gives the code it explores, seen at run time (`regions`: as the
 * verifier's violation names them): thrown from the watch, it stops the run before the access, as the violation
 * stops the path.
 */
export function outsideRegions(address: number, bytes: number, write: boolean, regions: string): Error {
  return new Error(`${write ? 'write' : 'read'} of ${bytes} bytes at address ${address} is outside every memory region (${regions}), which the replay checks`);
}
