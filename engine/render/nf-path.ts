// The NF path of a trace as a person follows it in the source: each line where it decided something, with the
// line's text and the way it went, then the line that returned. Read through the build's source map (its
// sourcesContent holds the text, so a seeded variant's deleted source still shows).
import type { NfExploration } from '../nf/explore-nf.ts';
import type { Trace } from '../symbex/explore.ts';
import { decodeModule, type Instruction, type WasmFunction } from '../wasm/decode.ts';
import { OP } from '../wasm/opcodes.ts';
import { formatLocation, SourceMap, type SourceLocation } from '../wasm/sourcemap.ts';

export interface PathStep {
  /** `file:line`, or `wasm byte N` without a source map. */
  at: string;
  /** The source line's text, trimmed ('' without a source). */
  text: string;
  /** How it went: `true`/`false` for an if, `jumped`/`fell through` for a conditional branch, `case N`, `returned`. */
  branch: string;
}

/** What the renderings read of a build: its source map, its lines' text and its instructions by offset. */
interface Sources {
  map: SourceMap | null;
  lines: Map<string, string[]>;
  instructions: Map<number, { fn: WasmFunction; index: number }>;
}

type Build = NfExploration['build'];

const sourcesOf = new WeakMap<Build, Sources>();

function sources(build: Build): Sources {
  let found = sourcesOf.get(build);
  if (found) return found;
  const json = build.sourceMap ? (JSON.parse(build.sourceMap) as { sources: string[]; sourcesContent?: (string | null)[] }) : null;
  const lines = new Map((json?.sources ?? []).map((file, i) => [file, (json!.sourcesContent?.[i] ?? '').split('\n')] as const));
  const instructions = new Map<number, { fn: WasmFunction; index: number }>();
  for (const fn of decodeModule(build.wasm).functions) fn.code.forEach((ins, index) => instructions.set(ins.offset, { fn, index }));
  found = { map: build.sourceMap ? SourceMap.parse(build.sourceMap) : null, lines, instructions };
  sourcesOf.set(build, found);
  return found;
}

/** The steps of a trace's NF path: consecutive decisions on one line are one step. */
export function nfPath(run: NfExploration, trace: Trace): PathStep[] {
  const src = sources(run.build);
  const steps: PathStep[] = [];
  for (const decision of trace.decisions) {
    const offset = Math.floor(decision / 1024);
    const step = { ...place(src, offset), branch: branchWords(src.instructions.get(offset)?.fn.code[src.instructions.get(offset)!.index], decision % 1024) };
    const last = steps[steps.length - 1];
    if (last && last.at === step.at) {
      if (!last.branch.endsWith(step.branch)) last.branch += `, ${step.branch}`;
    } else steps.push(step);
  }
  steps.push({ ...returnPlace(src, trace.final.returnOffset), branch: 'returned' });
  return steps;
}

/** NF source lines where a trace decided something and where it returned, in order, without repeats. */
export function traceLines(run: NfExploration, trace: Trace): string[] {
  return nfPath(run, trace).map((step) => step.at).filter((at, i, all) => at !== all[i - 1]);
}

/** A step as one line of text: where, the source, and how it went. */
export const formatStep = (step: PathStep): string => `${step.at}  ${step.text ? `${step.text}  ` : ''}-> ${step.branch}`;

function place(src: Sources, offset: number): Omit<PathStep, 'branch'> {
  const location = src.map?.locate(offset) ?? null;
  return { at: formatLocation(location, offset), text: lineText(src, location) };
}

const lineText = (src: Sources, location: SourceLocation | null): string => (location ? src.lines.get(location.file)?.[location.line - 1]?.trim() ?? '' : '');

/**
 * Where the entry function returned. A `return` instruction is mapped; falling off the function's end is not
 * (asc maps no byte of the last expression, the map's nearest line is the one before): the first `return`
 * statement after that line is the one that produced the result.
 */
function returnPlace(src: Sources, offset: number): Omit<PathStep, 'branch'> {
  const location = src.map?.locate(offset) ?? null;
  const mapped = location !== null && location !== src.map!.locate(offset - 1);
  if (!location || mapped) return place(src, offset);
  const text = src.lines.get(location.file) ?? [];
  const next = text.findIndex((line, i) => i >= location.line && line.trim().startsWith('return'));
  if (next < 0) return place(src, offset);
  return { at: `${location.file}:${next + 1}`, text: text[next]!.trim() };
}

/** The decision's outcome in words: the interpreter records 1 for a true condition or a taken branch. */
function branchWords(ins: Instruction | undefined, outcome: number): string {
  if (ins?.op === OP.if) return outcome === 1 ? 'true' : 'false';
  if (ins?.op === OP.br_if) return outcome === 1 ? 'jumped' : 'fell through';
  return `case ${outcome}`;
}
