// The native baseline: the NF's C twin (nfs/<name>/<name>.c) compiled with gcc -O2 together with libVig in C
// (native/libvig.c), the manifest's config as C functions, the C stack (stack/c/stack.c) and the emulated device
// that plays the trace (native/harness.c). The closest thing to the machine's limit: no sandbox, no JavaScript
// boundary, the same rings as the stacked .wasm.
import { type Manifest, MAX_FRAME, tableImports } from '../nf-abi/index.ts';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../toolchain/build.ts';
import type { PassResult } from './pass.ts';
import { DEVICE_BURST, REGISTER_STRIDE } from './device-layout.ts';
import { ProcessedPackets, type PacketTrace } from './trace.ts';

const NATIVE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'native');
/** Headers a C twin includes by relative path: part of what a cached harness was built from. */
const SHARED_HEADERS = ['nf-abi/c/nf.h', 'nf-abi/c/frame-layout.h', 'nf-abi/c/device.h', 'nfs/flow-frame/flow-frame.h', 'libvig/c/libvig.h', 'stack/c/stack.h'].map((path) => join(PROJECT_ROOT, path));
const STACK_SOURCE = join(PROJECT_ROOT, 'stack', 'c', 'stack.c');
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'native');
const GCC_FLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wno-attributes', `-DPACKET_AREA=${MAX_FRAME}`, `-DREGISTER_STRIDE=${REGISTER_STRIDE}`, `-DDEVICE_BURST=${DEVICE_BURST}`];
/** What the C stack is compiled for, as the .wasm's generated entry (toolchain's buildStackedNf) is. */
const stackFlags = (manifest: Manifest): string[] => [`-DSTACK_DEVICES=${manifest.devices}`, `-DSTACK_FRAME_MIN=${manifest.frame.min}`, `-DSTACK_FRAME_MAX=${manifest.frame.max}`];

export class NativeBaselineError extends Error {}

/** gcc is not on the machine: the native baseline is missing rather than broken. */
export class GccMissing extends NativeBaselineError {}

/** The NF's C twin, or null when it has none (then there is no native baseline). */
export function cTwinOf(nfDir: string, manifest: Manifest): string | null {
  const twin = join(nfDir, manifest.source.replace(/\.ts$/, '.c'));
  return existsSync(twin) ? twin : null;
}

/** Compiles (or finds in the cache) the native harness of the NF whose C twin is `twin`. */
export function buildNativeHarness(twin: string, manifest: Manifest): string {
  const config = configSource(manifest);
  const sources = [twin, join(NATIVE_DIR, 'libvig.c'), join(NATIVE_DIR, 'harness.c'), STACK_SOURCE];
  const flags = [...GCC_FLAGS, ...stackFlags(manifest)];
  const hash = createHash('sha256');
  for (const source of [...sources, ...SHARED_HEADERS]) hash.update(readFileSync(source)).update('\0');
  hash.update(config).update(flags.join(' '));
  const dir = join(CACHE_DIR, hash.digest('hex').slice(0, 24));
  const binary = join(dir, 'harness');
  if (existsSync(binary)) return binary;
  const staging = `${dir}.tmp-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'config.c'), config);
  const gcc = spawnSync('gcc', [...flags, '-o', join(staging, 'harness'), ...sources, join(staging, 'config.c')], { encoding: 'utf8' });
  if (gcc.error) throw new GccMissing(`gcc could not run (${gcc.error.message}): the native baseline needs it; apt-get install -y gcc`);
  if (gcc.status !== 0) throw new NativeBaselineError(`gcc could not compile the native baseline of ${manifest.name} (${twin}):\n${gcc.stderr}`);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process built the same harness meanwhile
  }
  return binary;
}

/**
 * A repetition of the native harness over `trace` (pass.ts's Repeat): `throughputPasses` throughput passes, the
 * fastest counting, then a latency pass whose measured records go to `output`.
 */
export function runNativeHarness(binary: string, trace: PacketTrace, output: Uint8Array, throughputPasses: number): PassResult {
  const dir = mkdtempSync(join(tmpdir(), 'vigor-native-'));
  try {
    const traceFile = join(dir, 'trace.bin');
    const outputFile = join(dir, 'processed.bin');
    // In one write, which Node caps at 2^31 - 1 bytes: trace.ts MAX_TRACE_BYTES keeps every trace below that.
    writeFileSync(traceFile, trace.records);
    const run = spawnSync(binary, [traceFile, String(trace.untimed), outputFile, String(throughputPasses)], { encoding: 'utf8' });
    if (run.status !== 0) throw new NativeBaselineError(`the native baseline failed (${binary}, exit ${run.status ?? run.signal}):\n${run.stderr}`);
    const passTimes = run.stdout.trim().split('\n').map(Number);
    if (passTimes.length !== throughputPasses || !passTimes.every((ns) => ns > 0)) {
      throw new NativeBaselineError(`the native baseline printed "${run.stdout.trim()}", not ${throughputPasses} pass times in ns (${binary})`);
    }
    readInto(outputFile, output);
    return { elapsedNs: Math.min(...passTimes), processed: new ProcessedPackets(trace, output) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the whole of `file`, which must be exactly as long as `into`, without allocating. */
function readInto(file: string, into: Uint8Array): void {
  const descriptor = openSync(file, 'r');
  try {
    let read = 0;
    for (let got = 1; got > 0 && read < into.length; read += got) got = readSync(descriptor, into, read, into.length - read, read);
    if (read !== into.length || fstatSync(descriptor).size !== into.length) {
      throw new NativeBaselineError(`the native baseline wrote ${fstatSync(descriptor).size} bytes of records, expected ${into.length}`);
    }
  } finally {
    closeSync(descriptor);
  }
}

/** The manifest's config values and tables as the C functions the twin declares (module "config" on wasm32). */
function configSource(manifest: Manifest): string {
  const literal = (value: bigint | number, wide: boolean): string => `(${wide ? 'int64_t' : 'int32_t'})${BigInt.asIntN(wide ? 64 : 32, BigInt(value))}LL`;
  const lines = ['/* Generated from nf.json by runtime/native-baseline.ts. */', '#include <stdint.h>'];
  for (const [name, entry] of Object.entries(manifest.config)) {
    const wide = entry.type === 'u64';
    lines.push(`${wide ? 'int64_t' : 'int32_t'} ${name}(void) { return ${literal(BigInt(entry.value), wide)}; }`);
  }
  const imports = tableImports(manifest);
  for (const [table, { columns, rows }] of Object.entries(manifest.tables ?? {})) {
    lines.push(`int32_t ${table}_count(void) { return ${rows.length}; }`);
    for (const [column, type] of Object.entries(columns)) {
      const name = `${table}_${column}`;
      const wide = type === 'u64' || type === 'mac';
      const read = imports.get(name) as (row: number) => number | bigint;
      const cells = rows.map((_, row) => literal(read(row), wide));
      lines.push(`static const ${wide ? 'int64_t' : 'int32_t'} ${name}_cells[] = {${cells.join(', ') || '0'}};`);
      lines.push(`${wide ? 'int64_t' : 'int32_t'} ${name}(int32_t row) { return ${name}_cells[row]; }`);
    }
  }
  return `${lines.join('\n')}\n`;
}
