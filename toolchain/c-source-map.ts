// Source lines of a C build: clang's DWARF line table, read by llvm-dwarfdump (the same LLVM as clang), written as the source map asc writes (one line, the column a byte offset in the module).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Where the line table puts a byte of the code section (offsets from the section's content). */
interface LineRow {
  address: number;
  file: string;
  line: number;
  column: number;
}

/** What is missing when a C build gets no source lines (its locations are then `wasm byte N`). */
export class LineTableMissing extends Error {}

/**
 * The line table of `wasmFile` (built with -g) by llvm-dwarfdump's `--debug-line` listing: each table's
 * directories and files, then its rows. `compileDir` is clang's working directory, directory 0 of DWARF 4.
 */
export function lineRows(wasmFile: string, compileDir: string): LineRow[] {
  const dump = spawnSync('llvm-dwarfdump', ['--debug-line', wasmFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (dump.error) throw new LineTableMissing(`llvm-dwarfdump could not run (${dump.error.message}): apt-get install -y llvm (Debian) for C NFs' source lines`);
  if (dump.status !== 0) throw new LineTableMissing(`llvm-dwarfdump failed on ${wasmFile}: ${dump.stderr.trim()}`);
  const rows: LineRow[] = [];
  let directories = new Map<number, string>([[0, compileDir]]);
  let files = new Map<number, string>();
  let file: { name: string; directory: number } | null = null;
  let index = 0;
  const fileNamed = () => {
    if (!file) return;
    const directory = directories.get(file.directory) ?? compileDir;
    files.set(index, resolve(isAbsolute(file.name) ? file.name : join(directory, file.name)));
    file = null;
  };
  for (const text of dump.stdout.split('\n')) {
    let match: RegExpExecArray | null;
    if (text.startsWith('debug_line[')) {
      directories = new Map([[0, compileDir]]);
      files = new Map();
    } else if ((match = /^include_directories\[\s*(\d+)\] = "(.*)"$/.exec(text))) {
      directories.set(Number(match[1]), resolve(compileDir, match[2]!));
    } else if ((match = /^file_names\[\s*(\d+)\]:$/.exec(text))) {
      fileNamed();
      index = Number(match[1]);
      file = { name: '', directory: 0 };
    } else if (file && (match = /^\s+name: "(.*)"$/.exec(text))) {
      file.name = match[1]!;
    } else if (file && (match = /^\s+dir_index: (\d+)$/.exec(text))) {
      file.directory = Number(match[1]);
    } else if ((match = /^0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s*(.*)$/.exec(text))) {
      fileNamed();
      const [address, line, column, fileIndex, flags] = [Number.parseInt(match[1]!, 16), Number(match[2]), Number(match[3]), Number(match[4]), match[5]!];
      // Line 0 is code of no line (the compiler's own); the end of a sequence maps nothing.
      if (line > 0 && !/\bend_sequence\b/.test(flags)) rows.push({ address, file: files.get(fileIndex) ?? '?', line, column });
    }
  }
  return rows;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(value: number): string {
  let rest = value < 0 ? (-value * 2) + 1 : value * 2;
  let text = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    text += BASE64[rest > 0 ? digit + 32 : digit];
  } while (rest > 0);
  return text;
}

/**
 * A source map of `rows`, the code section's content starting at module byte `codeStart`; files named from
 * `root` as asc names them (`shown` renames one: a variant's temporary copy shown as the NF's source).
 */
export function sourceMapOf(rows: readonly LineRow[], codeStart: number, root: string, shown: (file: string) => string): string {
  const sources: string[] = [];
  const sourcesContent: (string | null)[] = [];
  const sourceIndex = new Map<string, number>();
  const previous = [0, 0, 0, 0];
  const segments: string[] = [];
  for (const row of [...rows].sort((a, b) => a.address - b.address)) {
    const file = shown(row.file);
    const named = relative(root, file);
    const source = named.startsWith('..') ? file : named;
    if (!sourceIndex.has(source)) {
      sourceIndex.set(source, sources.push(source) - 1);
      // The text compiled (a variant's, under the NF's name), as asc embeds it: the lines a path shows.
      sourcesContent.push(existsSync(row.file) ? readFileSync(row.file, 'utf8') : null);
    }
    const fields = [codeStart + row.address, sourceIndex.get(source)!, row.line - 1, Math.max(row.column - 1, 0)];
    segments.push(fields.map((value, i) => vlq(value - previous[i]!)).join(''));
    fields.forEach((value, i) => (previous[i] = value));
  }
  return JSON.stringify({ version: 3, sources, sourcesContent, names: [], mappings: segments.join(',') });
}
