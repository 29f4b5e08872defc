// Pyodide started from a memory image of an interpreter that has already booted and run a preload: restoring one
// takes ~0.3 s where booting takes 2-4 s (most of it Python's own start-up running in WebAssembly). The first start
// on a machine boots, takes the image and stores it under .cache/pyodide. Used by the spec interpreter (python.ts)
// and, through engine/index.ts, by the kernel's Python.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPyodide, version, type PyodideAPI } from 'pyodide';

const CACHE = fileURLToPath(new URL('../../.cache/pyodide/', import.meta.url));
/**
 * Our header before Pyodide's image: this tag, then the SHA-256 of the key and the image (see `sealed`). 64 bytes:
 * Pyodide reads the image as 32-bit words, which must start at a multiple of 4 (else every restore fails).
 */
const TAG = Buffer.from('vigor: Pyodide memory image v1'.padEnd(32));
const HEADER = TAG.length + 32;
/** Older than this, a staging file is no writer's any more (writing the 31 MB image takes about a second). */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

export interface PreloadOptions {
  /** What Python's `js` module is (Pyodide's default: globalThis). The image is taken and restored with it. */
  jsglobals?: object;
}

/**
 * An interpreter that has run `preload` (Python without any JavaScript object in it: an image cannot hold one),
 * restored from the image stored for this Pyodide version and `preload`, else booted and imaged for the next start.
 * Everything that involves JavaScript (streams, JS modules, the interrupt buffer) is set up after.
 * `name` names the image's user: a new image replaces that user's older ones (31 MB each).
 */
export async function loadPreloadedPyodide(name: string, preload: string, options: PreloadOptions = {}): Promise<PyodideAPI> {
  const key = `${version}\n${preload}`;
  const file = join(CACHE, `${name}-${version}-${createHash('sha256').update(preload).digest('hex').slice(0, 16)}.snapshot`);
  const image = readImage(file, key);
  if (image) {
    try {
      return await loadPyodide({ ...options, _loadSnapshot: image });
    } catch {
      // An image another build of Pyodide made (Pyodide checks its build id): boot and store a fresh one.
    }
  }
  const python = await loadPyodide({ ...options, _makeSnapshot: true });
  python.runPython(preload);
  store(file, sealed(key, python.makeMemorySnapshot()), name);
  return python;
}

/** The digest that proves an image whole and made for `key` (a truncated, damaged or foreign file has another). */
function digest(key: string, image: Uint8Array): Buffer {
  return createHash('sha256').update(key).update(image).digest();
}

function sealed(key: string, image: Uint8Array): Buffer {
  return Buffer.concat([TAG, digest(key, image), image]);
}

/** The image stored in `file` if it is whole and made for `key` (~20 ms to check 31 MB), else nothing. */
function readImage(file: string, key: string): Uint8Array | undefined {
  let stored: Buffer;
  try {
    stored = readFileSync(file);
  } catch {
    return undefined;
  }
  const image = stored.subarray(HEADER);
  const whole = stored.length > HEADER && stored.subarray(0, TAG.length).equals(TAG) && stored.subarray(TAG.length, HEADER).equals(digest(key, image));
  return whole ? image : undefined;
}

/** A staging file a writer killed mid-write left behind. */
function abandoned(path: string): boolean {
  if (!path.endsWith('.tmp')) return false;
  try {
    return Date.now() - statSync(path).mtimeMs > ABANDONED_AFTER_MS;
  } catch {
    return false;
  }
}

/**
 * Written under a name no other process or thread uses and renamed, so an interpreter starting at the same moment
 * (the engine pool starts several) reads the whole old file, the whole new one, or none.
 */
function store(file: string, contents: Buffer, name: string): void {
  const staging = `${file}.${randomUUID()}.tmp`;
  try {
    mkdirSync(CACHE, { recursive: true });
    const entries = readdirSync(CACHE).filter((entry) => entry.startsWith(`${name}-`));
    const others = entries.filter((older) => older.endsWith('.snapshot') && older !== basename(file));
    for (const older of [...others, ...entries.filter((entry) => abandoned(join(CACHE, entry)))]) rmSync(join(CACHE, older), { force: true });
    writeFileSync(staging, contents);
    renameSync(staging, file);
  } catch {
    // A read-only checkout or a full disk: every start boots instead.
    rmSync(staging, { force: true });
  }
}
