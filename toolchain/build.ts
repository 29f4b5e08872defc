// Compiles NF sources to WebAssembly (+ source map), cached on disk by content hash.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, type Manifest, ManifestError, MAX_FRAME, MEMORY_BASE, NF_EXPORTS } from '../nf-abi/index.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'wasm');
/**
 * Sources every NF may import by relative path (nf-abi: DROP, FLOOD, the frame layout; nfs/flow-frame: what the
 * NAT and the firewall share; libvig/as and c: libVig imports).
 */
const SHARED_SOURCES = ['nf-abi/outputs.ts', 'nf-abi/frame-layout.ts', 'nf-abi/c', 'nfs/flow-frame', 'libvig/as', 'libvig/c'].map((path) => join(PROJECT_ROOT, path));


// --debug keeps the name section (globals named in violations); the code is the same as without it.
const ASC_FLAGS = ['-O3', '--debug', '--runtime', 'stub', '--noAssert', '--noColors', '--memoryBase', String(MEMORY_BASE)];
const CLANG_FLAGS = ['--target=wasm32', '-O2', '-nostdlib', '-Wl,--no-entry', '-Wl,--allow-undefined', `-Wl,--global-base=${MEMORY_BASE}`];

export interface CompiledModule {
  wasm: Uint8Array;
  /** Source map JSON (AssemblyScript only; C builds carry no line information yet). */
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
  const patched = join(dir, `.variant-${options.variant.name}${extname(original)}`);
  writeFileSync(patched, applyPatches(readFileSync(original, 'utf8'), options.variant, original));
  try {
    return { ...(await compileSource(patched, { exports: NF_EXPORTS })), dir, manifest };
  } finally {
    rmSync(patched, { force: true });
  }
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

/** Compiles one AssemblyScript (.ts) or C (.c) file; `exports` are the functions a C build must export. */
export async function compileSource(source: string, options: { exports: readonly string[] }): Promise<CompiledModule> {
  const language = extname(source) === '.c' ? 'c' : 'assemblyscript';
  if (!existsSync(source)) throw new BuildError(source, `no such file: ${source}`);
  const flags = language === 'c' ? [...CLANG_FLAGS, ...options.exports.map((e) => `-Wl,--export=${e}`)] : ASC_FLAGS;
  const hash = contentHash(source, flags);
  const outDir = join(CACHE_DIR, hash);
  const wasmPath = join(outDir, basename(source).replace(/\.(ts|c)$/, '.wasm'));
  const mapPath = `${wasmPath}.map`;
  let compileSeconds = 0;
  if (!existsSync(wasmPath)) {
    const started = performance.now();
    const staging = `${outDir}.tmp-${process.pid}`;
    mkdirSync(staging, { recursive: true });
    const staged = join(staging, basename(wasmPath));
    if (language === 'c') compileC(source, staged, flags);
    else await compileAssemblyScript(source, staged);
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

async function compileAssemblyScript(source: string, outFile: string): Promise<void> {
  const asc = await import('assemblyscript/asc');
  let errors = '';
  const stderr = { write: (chunk: string | Uint8Array) => void (errors += String(chunk)) };
  const result = await asc.main([source, ...ASC_FLAGS, '--sourceMap', '--outFile', outFile], {
    stdout: { write: () => undefined },
    stderr,
  } as Parameters<typeof asc.main>[1]);
  if (result.error) throw new BuildError(relative(process.cwd(), source), errors || result.error.message);
}

function compileC(source: string, outFile: string, flags: string[]): void {
  const clang = spawnSync('clang', [...flags, '-o', outFile, source], { encoding: 'utf8' });
  if (clang.error && (clang.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new BuildError(source, 'clang is not installed: apt-get install -y clang lld (Debian) to build C NFs for wasm32');
  }
  if (clang.status !== 0) throw new BuildError(relative(process.cwd(), source), clang.stderr || `clang exited with ${clang.status}`);
}

/** Hash of the source's folder, the shared libraries, the compiler version and flags. */
function contentHash(source: string, flags: string[]): string {
  const hash = createHash('sha256');
  hash.update(`${source}\0${flags.join(' ')}\0${compilerVersion(extname(source))}\0`);
  const filesOf = (path: string): string[] => {
    if (!existsSync(path)) return [];
    if (statSync(path).isFile()) return [path];
    return readdirSync(path).sort().map((name) => join(path, name)).filter((file) => statSync(file).isFile());
  };
  for (const path of [dirname(source), ...SHARED_SOURCES].flatMap(filesOf)) {
    const otherVariant = basename(path).startsWith('.variant-') && path !== source;
    if (/\.(ts|c|h)$/.test(path) && !otherVariant) hash.update(`${path}\0`).update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 24);
}

function compilerVersion(extension: string): string {
  if (extension === '.c') return 'clang';
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string };
  return `asc ${pkg.version}`;
}
