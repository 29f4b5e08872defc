// Files named on the command line, checked before any work starts: a missing one is a usage mistake (exit 2).
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { WordedCommand } from '../options/index.ts';

/** `path`, which must be a file; otherwise `command` stops with `what` (how the user named it) and why. */
export function requireFile(command: WordedCommand, what: string, path: string): string {
  const found = statSync(path, { throwIfNoEntry: false });
  if (!found) command.error(`${what}: no such file`);
  if (!found.isFile()) command.error(`${what}: is a folder, not a file`);
  return path;
}

/** `path` is a file to write: its folder must exist (checked before long work whose result would be lost). */
export function requireFolderOf(command: WordedCommand, what: string, path: string): void {
  const folder = statSync(dirname(resolve(path)), { throwIfNoEntry: false });
  if (!folder?.isDirectory()) command.error(`${what}: the folder ${dirname(path)} does not exist`);
}
