// The parts of nbformat 4 this kernel reads and writes (https://nbformat.readthedocs.io/en/latest/format_description.html).
import { jsonMistake } from '../../nf-abi/index.ts';

export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** A file that is no notebook this kernel can run: an input mistake (`vigor run` exits 2), never a failed run. */
export class NotebookError extends Error {
  override name = 'NotebookError';
}

/** nbformat allows multi-line strings to be stored as lists of lines. */
export function joinSource(source: string | string[] | unknown): string {
  return Array.isArray(source) ? source.join('') : String(source ?? '');
}

/**
 * The notebook in `text` (the file at `path`), its shape checked where this kernel relies on it: a mistake says
 * where it is (line and column of the JSON, or the cell counted from 1, as front ends number them), so that a hand-
 * edited or truncated notebook is fixed in a moment instead of failing halfway through a run.
 */
export function parseNotebook(text: string, path: string): Notebook {
  // A byte-order mark (some Windows editors write one) is no part of the JSON.
  const json = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new NotebookError(`${path} is not a notebook: it is not valid JSON, ${jsonMistake(json) ?? (error as Error).message}`);
  }
  if (!isObject(parsed)) throw new NotebookError(`${path} is not a notebook: its JSON is ${describe(parsed)}, not an object with "cells"`);
  if (parsed.nbformat !== 4) {
    throw new NotebookError(`${path} is not an nbformat 4 notebook (nbformat: ${JSON.stringify(parsed.nbformat) ?? 'missing'}); convert it with \`jupyter nbconvert --to notebook\``);
  }
  if (parsed.cells === undefined) throw new NotebookError(`${path} is not a notebook: it has no "cells" key (a list of the cells)`);
  if (!Array.isArray(parsed.cells)) throw new NotebookError(`${path}: "cells" is ${describe(parsed.cells)}, not a list of cells`);
  if (parsed.metadata !== undefined && !isObject(parsed.metadata)) throw new NotebookError(`${path}: "metadata" is ${describe(parsed.metadata)}, not an object`);
  const problems = parsed.cells.flatMap((cell: unknown, index: number) => cellProblems(cell).map((problem) => `${path}: cell ${index + 1}: ${problem}`));
  if (problems.length > 0) throw new NotebookError(problems.join('\n'));
  return { ...(parsed as unknown as Notebook), metadata: (parsed.metadata as Record<string, unknown> | undefined) ?? {} };
}

const CELL_TYPES = ['code', 'markdown', 'raw'];

function cellProblems(cell: unknown): string[] {
  if (!isObject(cell)) return [`${describe(cell)}, not a cell (an object with "cell_type" and "source")`];
  const problems: string[] = [];
  if (!CELL_TYPES.includes(cell.cell_type as string)) problems.push(`"cell_type" is ${describe(cell.cell_type)}, not one of ${CELL_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const { source } = cell;
  if (typeof source !== 'string' && !(Array.isArray(source) && source.every((line) => typeof line === 'string'))) {
    problems.push(`"source" is ${describe(source)}, not a string or a list of strings`);
  }
  if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) problems.push(`"outputs" is ${describe(cell.outputs)}, not a list`);
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON value in a message: what it is, and the value itself when it is short. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return shown.length <= 40 ? `the ${typeof value} ${shown}` : `a ${typeof value}`;
}
