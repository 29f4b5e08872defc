// The NF path of a trace as a person follows it in the source: each line where it decided something, with the
// line's text and the way it went, then the line that returned. Read through the build's source map (its
// sourcesContent holds the text, so a seeded variant's deleted source still shows).
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../toolchain/build.ts';
import type { NfExploration } from '../nf/explore-nf.ts';
import type { Trace } from '../symbex/explore.ts';
import type { Violation } from '../symbex/violations.ts';
import { decodeModule, type Instruction, type WasmFunction } from '../wasm/decode.ts';
import { OP } from '../wasm/opcodes.ts';
import { SourceMap, type SourceLocation } from '../wasm/sourcemap.ts';
import { shownLocation } from './text.ts';

export interface PathStep {
  /** `file:line:column` as compilers print it (clickable; see `shownPath`), or `wasm byte N` without a source map. */
  at: string;
  /** The source line's text, trimmed ('' without a source). */
  text: string;
  /**
   * How it went: `true`/`false` for an if, `jumped`/`fell through` for a conditional branch, `case N`, `returned`;
   * a violation's path ends with `VIOLATION (kind)` where it happened.
   */
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

/** The steps of a trace's NF path: consecutive decisions on one line are one step; then the line that returned. */
export function nfPath(run: NfExploration, trace: Trace): PathStep[] {
  const src = sources(run.build);
  return [...decisionSteps(src, trace.decisions), step(returnPlace(src, trace.final.returnOffset), 'returned')];
}

/** A violation's NF path, as a trace's: the decisions that lead to it, then the line where it happened. */
export function violationPath(run: NfExploration, violation: Violation): PathStep[] {
  const src = sources(run.build);
  return [...decisionSteps(src, violation.decisions), step(place(src, violation.offset), `VIOLATION (${violation.kind})`)];
}

function decisionSteps(src: Sources, decisions: readonly number[]): PathStep[] {
  const steps: (Place & { branch: string })[] = [];
  for (const decision of decisions) {
    const offset = Math.floor(decision / 1024);
    const next = { ...place(src, offset), branch: branchWords(src.instructions.get(offset)?.fn.code[src.instructions.get(offset)!.index], decision % 1024) };
    const last = steps[steps.length - 1];
    if (last && last.line === next.line) {
      if (!last.branch.endsWith(next.branch)) last.branch += `, ${next.branch}`;
    } else steps.push(next);
  }
  return steps.map((s) => step(s, s.branch));
}

/** Where an instruction is: `at` and `text` for people, `line` (file and line, no column) to tell steps on one line. */
type Place = Omit<PathStep, 'branch'> & { line: string };

const step = ({ at, text }: Place, branch: string): PathStep => ({ at, text, branch });

/** NF source lines where a trace decided something and where it returned, in order, without repeats. */
export function traceLines(run: NfExploration, trace: Trace): string[] {
  return nfPath(run, trace).map((step) => step.at).filter((at, i, all) => at !== all[i - 1]);
}

/** A step as one line of text: where, the source, and how it went. */
export const formatStep = (step: PathStep): string => `${step.at}  ${step.text ? `${step.text}  ` : ''}-> ${step.branch}`;

function place(src: Sources, offset: number): Place {
  const location = src.map?.locate(offset) ?? null;
  if (!location) return { at: `wasm byte ${offset}`, line: `wasm byte ${offset}`, text: '' };
  return { at: shownLocation(nfSourceFile(location.file), location.line, location.column), line: `${location.file}:${location.line}`, text: lineText(src, location) };
}

/** asc names sources from the project's root (the build passes it as `--baseDir`); `~lib/` is its standard library. */
export const nfSourceFile = (file: string): string => (file.startsWith('~lib/') ? file : resolve(PROJECT_ROOT, file));

const lineText = (src: Sources, location: SourceLocation | null): string => (location ? src.lines.get(location.file)?.[location.line - 1]?.trim() ?? '' : '');

/**
 * Where the entry function returned. A `return` instruction is mapped; falling off the function's end is not
 * (asc maps no byte of the function's last statement itself): the nearest mapped byte is then inside that
 * statement's expression (`return police(...) ? LAN : DROP`, a call in it), or, when nothing in it is mapped
 * (`return FLOOD`), on a line before, where an earlier `return` is mapped at its keyword: the first `return`
 * statement from there on produced the result.
 */
function returnPlace(src: Sources, offset: number): Place {
  const location = src.map?.locate(offset) ?? null;
  const mapped = location !== null && location !== src.map!.locate(offset - 1);
  if (!location || mapped) return place(src, offset);
  const text = src.lines.get(location.file) ?? [];
  const own = text[location.line - 1] ?? '';
  const keyword = own.length - own.trimStart().length + 1;
  const insideOwnReturn = own.trimStart().startsWith('return') && location.column > keyword;
  const found = insideOwnReturn ? location.line - 1 : text.findIndex((line, i) => i >= location.line && line.trim().startsWith('return'));
  if (found < 0) return place(src, offset);
  const column = text[found]!.length - text[found]!.trimStart().length + 1;
  return { at: shownLocation(nfSourceFile(location.file), found + 1, column), line: `${location.file}:${found + 1}`, text: text[found]!.trim() };
}

/** The decision's outcome in words: the interpreter records 1 for a true condition or a taken branch. */
function branchWords(ins: Instruction | undefined, outcome: number): string {
  if (ins?.op === OP.if) return outcome === 1 ? 'true' : 'false';
  if (ins?.op === OP.br_if) return outcome === 1 ? 'jumped' : 'fell through';
  return `case ${outcome}`;
}
