// How big the evaluation's runs are: small by default (a fresh clone finishes `npm start` in minutes), the paper's
// sizes with VIGOR_EVALUATION=paper (10^5 probes per benchmark, 5 repetitions, every seeded bug).
export interface EvaluationSizes {
  name: 'small' | 'paper';
  /** Measured packets per benchmark; probes are the new-flow share of them (10% by default). */
  packets: number;
  warmup: number;
  repetitions: number;
  /** Every seeded bug, or only those marked small. */
  allSeededBugs: boolean;
}

// 200,000 measured packets: a timed window of a few ms (50,000) is dominated by the slope at its start, where the
// .wasm ran at half its steady rate and C did not (docs/PITFALLS.md, "Measuring in one process").
const SMALL: EvaluationSizes = { name: 'small', packets: 200_000, warmup: 10_000, repetitions: 3, allSeededBugs: false };
const PAPER: EvaluationSizes = { name: 'paper', packets: 1_000_000, warmup: 100_000, repetitions: 5, allSeededBugs: true };

export function evaluationSizes(setting = process.env.VIGOR_EVALUATION): EvaluationSizes {
  if (setting === undefined || setting === '' || setting === 'small') return SMALL;
  if (setting === 'paper') return PAPER;
  throw new Error(`VIGOR_EVALUATION is "${setting}": set it to "paper" for the paper's sizes, or leave it unset (or "small") for the small defaults`);
}
