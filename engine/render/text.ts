// Small pieces of wording shared by the renderings.
import { isAbsolute, relative } from 'node:path';
import type { Replay } from '../session/replay.ts';

export const plural = (n: number | bigint, word: string, many = `${word}s`): string => `${n} ${Number(n) === 1 ? word : many}`;

/** Frame bytes a rendering shows before it says how many more there are. */
export const SHOWN_BYTES = 64;

/** A counterexample's replay on the run-time NF: its verdict and what the run-time showed. */
export const replayWords = (replay: Replay): string => `${replay.reproduced ? 'reproduced' : 'NOT reproduced'}, ${replay.observed}`;

/**
 * A file as compilers name it: relative to the working directory, or absolute where that is shorter (a file
 * outside it); both are clickable in a terminal and an editor. A name that is no path (a notebook cell's) stays.
 */
export function shownPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const fromHere = relative(process.cwd(), file);
  return fromHere.length < file.length ? fromHere : file;
}

/** `file:line:column`, the form editors and terminals open at the place. */
export const shownLocation = (file: string, line: number, column: number): string => `${shownPath(file)}:${line}:${column}`;
