// Small pieces of wording shared by the renderings.
import type { Replay } from '../session/replay.ts';

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Frame bytes a rendering shows before it says how many more there are. */
export const SHOWN_BYTES = 64;

/** A counterexample's replay on the run-time NF: its verdict and what the run-time showed. */
export const replayWords = (replay: Replay): string => `${replay.reproduced ? 'reproduced' : 'NOT reproduced'}, ${replay.observed}`;
