// Table 2's figures: lines of code per layer, counted in the working tree as it is now (non-blank lines that are
// not only a comment), so a layer that grows or appears (stack/) shows at the next run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { loadManifest } from '../nf-abi/index.ts';
import { PROJECT_ROOT } from './nf-list.ts';

export interface LayerLines {
  layer: string;
  /** Folders or files counted, relative to the project root. */
  counted: string[];
  /** Lines of code, or null when the layer is not built (its folder does not exist). */
  lines: number | null;
  files: number;
}

const SOURCE = new Set(['.ts', '.c', '.h', '.py']);
const COMMENT_ONLY = /^\s*(\/\/|#|\/\*|\*|\*\/)/;

/**
 * Lines of code of each NF's verified source, libVig's two run-times, the stack and the engine. The stack's row is
 * the code that runs under every NF and is verified with it (stack/*.ts), not the C twins' copy (stack/c/).
 */
export function linesOfCode(nfDirs: string[], root = PROJECT_ROOT): LayerLines[] {
  const layer = (name: string, paths: string[]): LayerLines => {
    const present = paths.map((path) => join(root, path)).filter(existsSync);
    if (present.length === 0) return { layer: name, counted: paths, lines: null, files: 0 };
    const files = present.flatMap(sourceFiles);
    return { layer: name, counted: paths, lines: files.reduce((sum, file) => sum + countLines(file), 0), files: files.length };
  };
  return [
    ...nfDirs.map((dir) => layer(`NF ${basename(dir)}`, [relative(root, join(dir, loadManifest(dir).source))])),
    layer('libVig run-time, WebAssembly (what the NFs run on)', ['libvig/wasm/as', 'libvig/wasm/failures.ts']),
    layer('libVig run-time, JavaScript (counterexample replays)', ['libvig/runtime']),
    layer('stack (I/O loop and driver)', ['stack/io-loop.ts', 'stack/driver.ts']),
    layer('engine (verifier)', ['engine']),
  ];
}

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : sourceFiles(child);
    return SOURCE.has(extname(entry.name)) ? [child] : [];
  });
}

function countLines(file: string): number {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '' && !COMMENT_ONLY.test(line)).length;
}
