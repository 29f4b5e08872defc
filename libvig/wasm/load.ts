// Builds libVig's WebAssembly run-time (as/libvig.ts) and attaches an instance of it to an NF's memory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIBVIG_ABI, type LibVigImportName } from '../../nf-abi/index.ts';
import { compileSource, PROJECT_ROOT } from '../../toolchain/build.ts';
import { lateBinding } from '../../toolchain/late-binding.ts';
import { hasDataSection } from '../../toolchain/wasm-encoding.ts';
import { type ObjectKind, violation } from '../runtime/errors.ts';
import * as failures from './failures.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'as', 'libvig.ts');
/** What the source imports besides its own folder. */
const ALSO_READS = [join(HERE, 'failures.ts'), join(PROJECT_ROOT, 'nf-abi', 'memory-layout.ts')];

const OPERATIONS = Object.keys(LIBVIG_ABI) as LibVigImportName[];
// failures.ts numbers the operations in LIBVIG_ABI's order, which stays the one definition: a drift fails here.
for (const [constant, value] of Object.entries(failures)) {
  if (constant.startsWith('OP_') && OPERATIONS[value] !== constant.slice(3).toLowerCase()) {
    throw new Error(`libvig/wasm/failures.ts: ${constant} is ${value}, but LIBVIG_ABI's import ${value} is ${OPERATIONS[value]}`);
  }
}
const KINDS: (ObjectKind | null)[] = [];
KINDS[failures.KIND_NONE] = null;
KINDS[failures.KIND_EMAP] = 'emap';
KINDS[failures.KIND_VECTOR] = 'vector';
KINDS[failures.KIND_CHT] = 'cht';
KINDS[failures.KIND_LPM] = 'lpm';
/** The parameters a FAIL_SIZE names, per allocating operation. */
const SIZE_PARAMETERS = Object.fromEntries(OPERATIONS.map((op) => [op, LIBVIG_ABI[op].params.map(([parameter]) => parameter)]));

let compiled: Promise<WebAssembly.Module> | null = null;

/** The run-time's module, compiled once per process (and cached on disk by the toolchain). */
export function compiledLibVig(): Promise<WebAssembly.Module> {
  return (compiled ??= compileSource(SOURCE, { exports: [], ascFlags: ['--importMemory'], alsoReads: ALSO_READS }).then(({ wasm }) => {
    if (hasDataSection(wasm)) throw new Error(`${SOURCE} compiled with static data, which would land in the NF's memory: keep strings and static arrays out of it`);
    return new WebAssembly.Module(wasm);
  }));
}

/** libVig's imports for an NF still to be instantiated, and `attach`, which makes them work once its memory exists. */
export interface WasmLibVig {
  /** Module `libvig`'s functions (late-bound: calling one before `attach` traps). */
  imports: Record<LibVigImportName, WebAssembly.ExportValue>;
  /** Instantiates the run-time on `memory` (the NF's, where it keeps its objects in libVig's region) and binds the imports to it. */
  attach(memory: WebAssembly.Memory): void;
}

/** A fresh run-time (no objects yet) for one NF instance, whose memory does not exist yet (the NF defines it). */
export function wasmLibVig(module: WebAssembly.Module): WasmLibVig {
  const binding = lateBinding(LIBVIG_ABI);
  return {
    imports: binding.imports,
    attach(memory) {
      const operations = wasmLibVigOn(module, memory);
      for (const operation of OPERATIONS) binding.bind(operation, operations[operation]);
    },
  };
}

/**
 * A fresh run-time on `memory`, for an NF that imports it: its operations are the NF's `libvig` imports
 * themselves, one wasm-to-wasm call each, without late binding's `call_indirect` (about 2 ns a call, docs/PITFALLS.md).
 */
export function wasmLibVigOn(module: WebAssembly.Module, memory: WebAssembly.Memory): Record<LibVigImportName, WebAssembly.ExportValue> {
  const { exports } = new WebAssembly.Instance(module, { env: { memory }, host: { fail } });
  return Object.fromEntries(OPERATIONS.map((operation) => [operation, exports[operation]!])) as Record<LibVigImportName, WebAssembly.ExportValue>;
}

/** The import `fail` (failures.ts says what a, b, c and d are per reason): throws the JavaScript run-time's error. */
function fail(reason: number, op: number, handle: number, a: number, b: number, c: bigint, d: bigint): never {
  const operation = OPERATIONS[op]!;
  switch (reason) {
    case failures.FAIL_SIZE: throw violation.size(operation, SIZE_PARAMETERS[operation]![a]!, b);
    case failures.FAIL_WRONG_KIND: throw violation.wrongKind(operation, handle, KINDS[a]!, KINDS[b]!);
    case failures.FAIL_OUTSIDE_MEMORY: throw violation.outsideMemory(operation, handle, a, b, Number(c));
    case failures.FAIL_KEY_PRESENT: throw violation.keyPresent(operation, handle, a);
    case failures.FAIL_KEY_ABSENT: throw violation.keyAbsent(operation, handle);
    case failures.FAIL_INDEX_NOT_ALLOCATED: throw violation.indexNotAllocated(operation, handle, a, b);
    case failures.FAIL_TIME_BACKWARDS: throw violation.timeBackwards(operation, handle, c, d);
    case failures.FAIL_INDEX_OUT_OF_RANGE: throw violation.indexOutOfRange(operation, handle, a, b);
    case failures.FAIL_HEIGHT_NOT_PRIME: throw violation.heightNotPrime(a);
    case failures.FAIL_CHT_TOO_LARGE: throw violation.chtTooLarge(a, b);
    case failures.FAIL_PREFIX_LENGTH: throw violation.prefixLength(handle, a);
    case failures.FAIL_NEGATIVE_VALUE: throw violation.negativeValue(handle, a);
    case failures.FAIL_REGION_FULL: throw violation.regionFull(operation, handle, c);
    default: throw new Error(`libvig/wasm/libvig.ts reported failure ${reason}, which failures.ts does not define`);
  }
}
