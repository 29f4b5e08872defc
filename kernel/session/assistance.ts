// Completion and inspection come from several sources (Python's namespace, the magics, the engine's spec
// vocabulary and the selected NF's state); the session asks each and merges what they say.
import type { MimeBundle } from './output.ts';

export interface Completion {
  matches: string[];
  /** Range of `code` the matches replace, as string indices (text-positions.ts). */
  cursorStart: number;
  cursorEnd: number;
  /** Only these matches apply here (e.g. spec names in a property cell): other sources are not merged in. */
  exclusive?: boolean;
}

export interface CompletionSource {
  /** Matches for the text before `cursorPos`, or undefined when this source has nothing to say there. */
  complete(code: string, cursorPos: number): Promise<Completion | undefined>;
}

export interface InspectionSource {
  /** Documentation of the name at `cursorPos`; detailLevel 1 asks for more (e.g. source). */
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<MimeBundle | undefined>;
}

/** Joins the sources' answers into one reply; every match is widened to replace the widest range any source replaced. */
export function mergeCompletions(code: string, cursorPos: number, answers: (Completion | undefined)[]): Completion {
  const given = answers.filter((answer): answer is Completion => answer !== undefined && answer.matches.length > 0);
  if (given.length === 0) return { matches: [], cursorStart: cursorPos, cursorEnd: cursorPos };
  const cursorStart = Math.min(...given.map((answer) => answer.cursorStart));
  const cursorEnd = Math.max(...given.map((answer) => answer.cursorEnd));
  const matches = new Set<string>();
  for (const answer of given) {
    const before = code.slice(cursorStart, answer.cursorStart);
    const after = code.slice(answer.cursorEnd, cursorEnd);
    for (const match of answer.matches) matches.add(before + match + after);
  }
  return { matches: [...matches], cursorStart, cursorEnd };
}
