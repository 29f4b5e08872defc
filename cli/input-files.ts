// Paths named on the command line, checked before any work starts: a missing file, a folder, device or pipe where
// a file is read, a folder where a file is written, an output that is an input, a file where a folder must be, or
// an NF's nf.json given instead of its folder is a usage mistake (exit 2), said before minutes of work whose result
// would be lost.
import { statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { nfFolderMistake } from '../nf-abi/index.ts';
import type { WordedCommand } from '../options/index.ts';

/**
 * `path`, which must be a file; otherwise `command` stops with `what` (how the user named it) and why. A pipe (as
 * the shell's `<(...)` gives) passes only where the command reads the file once (`readOnce`): it cannot be read again.
 */
export function requireFile(command: WordedCommand, what: string, path: string, readOnce = false): string {
  const found = stat(path);
  if (!found) command.error(`${what}: no such file`);
  if (found.isDirectory()) command.error(`${what}: is a folder, not a file`);
  if (found.isFIFO() && !readOnce) command.error(`${what}: is a pipe, which gives what it holds only once, and this command reads the file more than once: save it to a file and name that`);
  if (found.isCharacterDevice() || found.isBlockDevice()) command.error(`${what}: is a device, not a regular file: name a file`);
  if (found.isSocket()) command.error(`${what}: is a socket, not a regular file: name a file`);
  return path;
}

/**
 * `output` is not the file `input` (a file the command reads) names, by path or, through a link, as the same file:
 * writing it would destroy the input.
 */
export function requireNotInput(command: WordedCommand, what: string, output: string, inputWhat: string, input: string): void {
  const [written, read] = [stat(output), stat(input)];
  const same = resolve(output) === resolve(input) || (written !== undefined && read !== undefined && written.dev === read.dev && written.ino === read.ino);
  if (same) command.error(`${what}: is the file ${inputWhat} reads, which writing it would destroy: name another file`);
}

/**
 * `path` is a file to write: not a folder (then `example`, a file name, says what to give instead), in a folder
 * that exists, or, when the command makes its folder (`makesFolder`), where no file stands in the way.
 */
export function requireFileToWrite(command: WordedCommand, what: string, path: string, example: string, makesFolder = false): void {
  if (stat(path)?.isDirectory()) command.error(`${what}: is a folder; name a file to write, e.g. ${join(path, example)}`);
  const folder = dirname(resolve(path));
  if (makesFolder) return requireFolderToMake(command, what, folder);
  const found = stat(folder);
  if (!found) command.error(`${what}: the folder ${dirname(path)} does not exist`);
  if (!found.isDirectory()) command.error(`${what}: ${dirname(path)} is a file, not a folder`);
}

/** `path` is a folder the command makes (with its parents) if missing: no file may stand at it or above it. */
export function requireFolderToMake(command: WordedCommand, what: string, path: string): void {
  const { at, found } = nearestExisting(resolve(path));
  if (!found.isDirectory()) command.error(`${what}: ${at} is a file, not a folder`);
}

/** `path` is an NF folder (the command reads its nf.json): not the nf.json itself, nor another file. */
export function requireNfFolder(command: WordedCommand, path: string): string {
  const mistake = nfFolderMistake(path);
  return mistake ? command.error(mistake) : path;
}

/** What is at `path`; undefined when nothing is, also when a file stands where a folder on the way must be. */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** `path` or its nearest ancestor that exists (the root always does). */
function nearestExisting(path: string): { at: string; found: Stats } {
  const found = stat(path);
  return found ? { at: path, found } : nearestExisting(dirname(path));
}
