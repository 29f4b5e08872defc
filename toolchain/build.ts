// Compiles NF sources to WebAssembly (+ source map), cached on disk by content hash.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { loadManifest, type Manifest, ManifestError, MAX_FRAME, MEMORY_BASE, NF_EXPORTS } from '../nf-abi/index.ts';
import { LineTableMissing, lineRows, sourceMapOf } from './c-source-map.ts';
import { codeSectionStart, withoutCustomSections } from './wasm-encoding.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'wasm');
/**
 * Sources every NF may import by relative path (nf-abi: DROP, FLOOD, the frame layout; nfs/flow-frame: what the
 * NAT and the firewall share; libvig/as and c: libVig imports).
 */
const SHARED_SOURCES = ['nf-abi/outputs.ts', 'nf-abi/frame-layout.ts', 'nf-abi/c', 'nfs/flow-frame', 'libvig/as', 'libvig/c'].map((path) => join(PROJECT_ROOT, path));


// --debug keeps the name section (globals named in violations); the code is the same as without it.
const ASC_FLAGS = ['-O3', '--debug', '--runtime', 'stub', '--noAssert', '--noColors', '--enable', 'simd', '--memoryBase', String(MEMORY_BASE)];
const CLANG_FLAGS = ['--target=wasm32', '-O2', '-g', '-nostdlib', '-Wl,--no-entry', '-Wl,--allow-undefined', `-Wl,--global-base=${MEMORY_BASE}`];

export interface CompiledModule {
  wasm: Uint8Array;
  /** Source map JSON: asc's, or for C the DWARF line table's (c-source-map.ts); null when there is none. */
  sourceMap: string | null;
  wasmPath: string;
  hash: string;
  language: 'assemblyscript' | 'c';
  /** Seconds spent compiling (0 when the cache answered). */
  compileSeconds: number;
}

export interface NfBuild extends CompiledModule {
  dir: string;
  manifest: Manifest;
}

export class BuildError extends Error {
  constructor(readonly source: string, readonly compilerOutput: string) {
    super(`cannot compile ${source}:\n${compilerOutput.trim()}`);
    this.name = 'BuildError';
  }
}

export interface Variant {
  /** Short name, used in the temporary file name. */
  name: string;
  /** Replacements applied to the NF's source text; each `find` must occur exactly once. */
  patches: { find: string; replace: string }[];
}

/**
 * Builds the NF in `nfDir` (its nf.json names the source). A variant (a seeded bug, say) is compiled from a
 * patched copy written beside the original for the duration of the build, so its relative imports resolve.
 */
export async function buildNf(nfDir: string, options: { variant?: Variant } = {}): Promise<NfBuild> {
  const dir = resolve(nfDir);
  const manifest = loadManifest(dir);
  if (manifest.frame.max > MAX_FRAME) {
    throw new ManifestError(join(dir, 'nf.json'), `"frame.max" is ${manifest.frame.max}, but the packet area holds ${MAX_FRAME} bytes (frames up to jumbo size fit)`);
  }
  const original = resolve(dir, manifest.source);
  if (!options.variant) return { ...(await compileSource(original, { exports: NF_EXPORTS })), dir, manifest };
  // A file of this build's own (another process may build the same variant at the same time, and remove its copy
  // when done), shown and cached under the variant's name.
  const shownAs = join(dir, `.variant-${options.variant.name}${extname(original)}`);
  const patched = join(dir, `.variant-${options.variant.name}-${temporaryToken()}${extname(original)}`);
  const text = applyPatches(readFileSync(original, 'utf8'), options.variant, original);
  writeFileSync(patched, text);
  try {
    return { ...(await compileSource(patched, { exports: NF_EXPORTS, identity: `${shownAs}\n${text}`, shownAs })), dir, manifest };
  } finally {
    rmSync(patched, { force: true });
  }
}

/** The stack's sources (stack/) and the protocol they keep: what a stacked build reads besides the NF. */
const STACK_DIR = join(PROJECT_ROOT, 'stack');
const STACK_SOURCES = [STACK_DIR, ...['nf-abi/device.ts', 'nf-abi/memory-layout.ts'].map((path) => join(PROJECT_ROOT, path))];
/** What a stacked .wasm exports besides the NF's: the stack's set-up and one iteration of its I/O loop. */
export const STACK_EXPORTS: readonly string[] = ['stack_init', 'stack_poll'];
/**
 * The driver's entry points, the functions of stack/driver.ts the I/O loop calls: a stacked build with
 * `keepDriverCalls` (what `--layers nf,io` verifies) exports each as `driver_<name>` and keeps every call of them a
 * call, for the driver's contract to stand in for it.
 */
export const DRIVER_ENTRIES = ['reclaimSent', 'readReceived', 'nextReceived', 'consumeReceived', 'copyBlocks', 'send', 'flushSent', 'refill'] as const;
export type DriverEntry = (typeof DRIVER_ENTRIES)[number];
export const driverExport = (entry: DriverEntry): string => `driver_${entry}`;
/** The asc transforms that keep the calls between the stack's layers out of line (their text is part of the cache key). */
const LAYER_CALLS = join(PROJECT_ROOT, 'toolchain', 'layer-calls.ts');
const LAYER_CALLS_IO = join(PROJECT_ROOT, 'toolchain', 'layer-calls-io.ts');

/** A seeded change to one of the stack's sources (`file`, a name in stack/, such as "driver.ts"). */
export interface StackVariant extends Variant {
  file: string;
}

export interface StackedBuildOptions {
  variant?: Variant;
  stackVariant?: StackVariant;
  /** The build `--layers nf,io` verifies: the driver's entry points stay calls, exported (DRIVER_ENTRIES). */
  keepDriverCalls?: boolean;
}

/**
 * Temporary names this thread handed out: with the process's and the thread's ids, what makes a build's temporary
 * files its own (the verification pool's workers are threads of one process, each with its own count).
 */
let temporaryNames = 0;
export const temporaryToken = (): string => `${process.pid}-${threadId}-${++temporaryNames}`;

/**
 * Builds the NF in `nfDir` with the stack (stack/) linked under it: a generated entry exports the NF's nf_init
 * and nf_process, and stack_init and stack_poll over nf.json's devices and frame bounds (stack/README.md).
 * AssemblyScript NFs only. `variant` patches the NF as buildNf's does, `stackVariant` one of the stack's files
 * (both are temporary copies beside their originals, so their relative imports resolve). The .wasm imports its
 * memory, so that libVig's run-time can be instantiated on it first and be the NF's imports itself
 * (libvig/load-nf.ts creates it fresh, as the module would have).
 */
export async function buildStackedNf(nfDir: string, options: StackedBuildOptions = {}): Promise<NfBuild> {
  const dir = resolve(nfDir);
  const manifest = loadManifest(dir);
  if (extname(manifest.source) !== '.ts') throw new BuildError(join(dir, manifest.source), `the stack links with AssemblyScript NFs only; ${manifest.name}'s source is C`);
  const temporary: string[] = [];
  // Temporary files of their own: builds of one process overlap (a session's full and nf,io builds), and one's
  // clean-up would take the other's files from under its compiler.
  const token = temporaryToken();
  try {
    let nfModule = `./${basename(manifest.source, '.ts')}`;
    if (options.variant) {
      const original = resolve(dir, manifest.source);
      const patched = join(dir, `.variant-${options.variant.name}-${token}.ts`);
      writeFileSync(patched, applyPatches(readFileSync(original, 'utf8'), options.variant, original));
      temporary.push(patched);
      nfModule = `./${basename(patched, '.ts')}`;
    }
    let loop = join(STACK_DIR, 'io-loop');
    if (options.stackVariant) loop = writeStackVariant(options.stackVariant, token, temporary);
    const entry = join(dir, `.stacked-${token}.ts`);
    const keepDriverCalls = options.keepDriverCalls ?? false;
    writeFileSync(entry, stackedEntry(manifest, nfModule, relative(dir, loop), keepDriverCalls));
    temporary.push(entry);
    // The entry's name and text with the build's token left out, and the patches its temporary imports apply.
    const identity = [
      join(dir, `${basename(manifest.source, '.ts')}-stacked${keepDriverCalls ? '-io' : ''}${options.variant ? `-${options.variant.name}` : ''}${options.stackVariant ? `-stack-${options.stackVariant.name}` : ''}.ts`),
      readFileSync(entry, 'utf8').split(`-${token}`).join(''),
      JSON.stringify([options.variant ?? null, options.stackVariant ?? null]),
    ].join('\n');
    const exports = [...NF_EXPORTS, ...STACK_EXPORTS, ...(keepDriverCalls ? DRIVER_ENTRIES.map(driverExport) : [])];
    const transform = keepDriverCalls ? LAYER_CALLS_IO : LAYER_CALLS;
    return { ...(await compileSource(entry, { exports, identity, alsoReads: [...STACK_SOURCES, LAYER_CALLS, LAYER_CALLS_IO], ascFlags: ['--importMemory', '--transform', transform] })), dir, manifest };
  } finally {
    for (const file of temporary) rmSync(file, { force: true });
  }
}

/**
 * The entry that links an NF with the stack: the NF as a type whose method the loop calls (stack/README.md), and
 * with `exportDriver`, the driver's entry points exported (from the driver beside `loop`, a variant's copy for a
 * stack variant).
 */
function stackedEntry(manifest: Manifest, nfModule: string, loop: string, exportDriver: boolean): string {
  const driver = loop.split('\\').join('/').replace(/io-loop$/, 'driver');
  return [
    `// Generated by toolchain/build.ts (buildStackedNf): ${manifest.name} with the stack under it.`,
    `import { nf_process } from "${nfModule}";`,
    `import { stackInit, stackPoll } from "${loop.split('\\').join('/')}";`,
    `export { nf_init, nf_process } from "${nfModule}";`,
    ...(exportDriver ? [`export { ${DRIVER_ENTRIES.map((entry) => `${entry} as ${driverExport(entry)}`).join(', ')} } from "${driver}";`] : []),
    '@unmanaged class Nf {',
    '  // @ts-ignore: decorator',
    '  @inline process(device: i32, packet: usize, length: i32, now: i64): i32 { return nf_process(device, packet, length, now); }',
    '}',
    `export function stack_init(): void { stackInit(${manifest.devices}); }`,
    `export function stack_poll(): void { stackPoll<Nf>(changetype<Nf>(0), ${manifest.devices}, ${manifest.frame.min}, ${manifest.frame.max}); }`,
    '',
  ].join('\n');
}

/**
 * Copies every stack source to a temporary one in stack/ (`.variant-NAME-TOKEN-FILE`, the build's token), the
 * variant's file patched and the copies importing each other, and returns the I/O loop's copy without its extension.
 */
function writeStackVariant(variant: StackVariant, token: string, temporary: string[]): string {
  const prefix = `.variant-${variant.name}-${token}-`;
  const sources = readdirSync(STACK_DIR).filter((name) => name.endsWith('.ts') && !name.startsWith('.'));
  if (!sources.includes(variant.file)) throw new Error(`stack variant "${variant.name}": stack/ has no ${variant.file} (it has ${sources.join(', ')})`);
  for (const name of sources) {
    const original = join(STACK_DIR, name);
    let text = readFileSync(original, 'utf8');
    if (name === variant.file) text = applyPatches(text, variant, original);
    for (const other of sources) text = text.split(`from "./${basename(other, '.ts')}"`).join(`from "./${prefix}${basename(other, '.ts')}"`);
    const copy = join(STACK_DIR, `${prefix}${name}`);
    writeFileSync(copy, text);
    temporary.push(copy);
  }
  return join(STACK_DIR, `${prefix}io-loop`);
}

function applyPatches(text: string, variant: Variant, file: string): string {
  for (const { find, replace } of variant.patches) {
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) {
      throw new Error(`variant "${variant.name}": ${JSON.stringify(find)} must occur exactly once in ${file}`);
    }
    text = text.slice(0, at) + replace + text.slice(at + find.length);
  }
  return text;
}

export interface CompileOptions {
  /** The functions a C build must export. */
  exports: readonly string[];
  /**
   * For a temporary source whose name changes: what stands for it (its path and text) in the cache key, and must
   * therefore determine its text; its first line names the output. Default: the source's path and text.
   */
  identity?: string;
  /** Files or folders besides the source's folder and SHARED_SOURCES that the source imports. */
  alsoReads?: readonly string[];
  /** AssemblyScript only: flags after the usual ones (such as `--importMemory` for a module on another's memory). */
  ascFlags?: readonly string[];
  /** AssemblyScript only: the name the source map gives a temporary source (whose own name is the build's). */
  shownAs?: string;
}

/** Compiles one AssemblyScript (.ts) or C (.c) file. */
export async function compileSource(source: string, options: CompileOptions): Promise<CompiledModule> {
  const language = extname(source) === '.c' ? 'c' : 'assemblyscript';
  if (!existsSync(source)) throw new BuildError(source, `no such file: ${source}`);
  const flags = language === 'c' ? [...CLANG_FLAGS, ...options.exports.map((e) => `-Wl,--export=${e}`)] : [...ASC_FLAGS, ...(options.ascFlags ?? [])];
  const hash = contentHash(source, options.identity ?? null, flags, options.alsoReads ?? []);
  const outDir = join(CACHE_DIR, hash);
  const wasmPath = join(outDir, basename(options.identity?.split('\n')[0] ?? source).replace(/\.(ts|c)$/, '.wasm'));
  const mapPath = `${wasmPath}.map`;
  let compileSeconds = 0;
  if (!existsSync(wasmPath)) {
    const started = performance.now();
    // Its own staging folder: an overlapping build of the same module in this process must not write into it.
    const staging = `${outDir}.tmp-${temporaryToken()}`;
    mkdirSync(staging, { recursive: true });
    const staged = join(staging, basename(wasmPath));
    if (language === 'c') compileC(source, staged, flags, options.shownAs);
    else await compileAssemblyScript(source, staged, flags, options.shownAs);
    mkdirSync(dirname(outDir), { recursive: true });
    // Another process may have finished the same build meanwhile: either result is the same.
    try {
      renameSync(staging, outDir);
    } catch {
      /* keep the existing one */
    }
    compileSeconds = (performance.now() - started) / 1000;
  }
  return {
    wasm: new Uint8Array(readFileSync(wasmPath)),
    sourceMap: existsSync(mapPath) ? readFileSync(mapPath, 'utf8') : null,
    wasmPath,
    hash,
    language,
    compileSeconds,
  };
}

async function compileAssemblyScript(source: string, outFile: string, flags: string[], shownAs?: string): Promise<void> {
  const asc = await import('assemblyscript/asc');
  let errors = '';
  const stderr = { write: (chunk: string | Uint8Array) => void (errors += String(chunk)) };
  // Sources named from the project's root, whatever the working directory: the cached map is shared by all.
  const result = await asc.main([relative(PROJECT_ROOT, source), '--baseDir', PROJECT_ROOT, ...flags, '--sourceMap', '--outFile', outFile], {
    stdout: { write: () => undefined },
    stderr,
  } as Parameters<typeof asc.main>[1]);
  if (result.error) throw new BuildError(relative(process.cwd(), source), `${errors || result.error.message}${outsideProjectHint(source, errors)}`);
  if (shownAs === undefined) return;
  const mapFile = `${outFile}.map`;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
  map.sources = map.sources.map((file) => (file === relative(PROJECT_ROOT, source) ? relative(PROJECT_ROOT, shownAs) : file));
  writeFileSync(mapFile, JSON.stringify(map));
}

/**
 * NFs reach the project's AssemblyScript (nf-abi/, libvig/as/, nfs/flow-frame/) by relative path from nfs/NAME/. A
 * copy elsewhere keeps those paths, which then name files that do not exist (TS6054): say why, and what to write.
 */
function outsideProjectHint(source: string, errors: string): string {
  const inProject = !relative(PROJECT_ROOT, source).startsWith('..');
  if (inProject || !/TS6054/.test(errors)) return '';
  const root = relative(dirname(source), PROJECT_ROOT);
  return `\nhint: ${relative(process.cwd(), source)} is outside the project (${PROJECT_ROOT}), where "../../nf-abi/..." (as the NFs in nfs/ import it) ` +
    `names no file: put the NF folder in nfs/, or import from "${root}/nf-abi/...", "${root}/libvig/as/..." instead`;
}

/**
 * clang with -g, whose DWARF line table becomes the build's source map (c-source-map.ts) and is then taken out
 * of the binary: -g changes no code, and nothing that runs or verifies the .wasm reads DWARF.
 */
function compileC(source: string, outFile: string, flags: string[], shownAs?: string): void {
  const clang = spawnSync('clang', [...flags, '-o', outFile, resolve(source)], { encoding: 'utf8', env: { ...process.env, PATH: pathWithoutWasmOpt() } });
  if (clang.error && (clang.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new BuildError(source, 'clang is not installed: apt-get install -y clang lld (Debian) to build C NFs for wasm32');
  }
  if (clang.status !== 0) throw new BuildError(relative(process.cwd(), source), clang.stderr || `clang exited with ${clang.status}`);
  let rows: ReturnType<typeof lineRows> | null = null;
  try {
    rows = lineRows(outFile, process.cwd());
  } catch (e) {
    // Without llvm-dwarfdump the build still runs and verifies; its locations are byte offsets.
    if (!(e instanceof LineTableMissing)) throw e;
  }
  const wasm = withoutCustomSections(readFileSync(outFile), '.debug_');
  writeFileSync(outFile, wasm);
  const shown = (file: string) => (shownAs && file === resolve(source) ? resolve(shownAs) : file);
  if (rows) writeFileSync(`${outFile}.map`, sourceMapOf(rows, codeSectionStart(wasm), PROJECT_ROOT, shown));
}

/**
 * PATH without the folders that hold a `wasm-opt`: clang runs one it finds there on what it links when optimising,
 * and npm puts node_modules/.bin, where binaryen's is, first on the PATH of its scripts. A C NF's binary would then
 * depend on how vigor was started (npm or not), and its DWARF would describe the code before wasm-opt changed it.
 */
function pathWithoutWasmOpt(): string {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && !existsSync(join(dir, 'wasm-opt'))).join(delimiter);
}

/** Hash of the source's folder, the shared libraries, what else it reads, the compiler version and flags. */
function contentHash(source: string, identity: string | null, flags: string[], alsoReads: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`${identity ?? source}\0${flags.join(' ')}\0${compilerVersion(extname(source))}\0`);
  // Temporary files (variants, stacked entries) are no part of the key, but the source unless its identity stands for it.
  const temporary = (path: string) => basename(path).startsWith('.') && (path !== source || identity !== null);
  const filesOf = (path: string): string[] => {
    if (!existsSync(path)) return [];
    if (statSync(path).isFile()) return [path];
    // Left out before they are looked at: another build's temporary file may be gone by then.
    return readdirSync(path).sort().map((name) => join(path, name)).filter((file) => !temporary(file) && statSync(file).isFile());
  };
  for (const path of [dirname(source), ...SHARED_SOURCES, ...alsoReads].flatMap(filesOf)) {
    if (/\.(ts|c|h)$/.test(path) && !temporary(path)) hash.update(`${path}\0`).update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 24);
}

function compilerVersion(extension: string): string {
  if (extension === '.c') return 'clang';
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string };
  return `asc ${pkg.version}`;
}
