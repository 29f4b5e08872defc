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

// 200,000 measured packets after 100,000 untimed ones (as `vigor bench`): the paper measures the steady rate, and
// the first tens of thousands of packets after the tables left the caches run slower, the .wasm more than C
// (docs/PITFALLS.md, "Measuring in one process"); a timed window of a few ms (50,000) was dominated by them.
const SMALL: EvaluationSizes = { name: 'small', packets: 200_000, warmup: 100_000, repetitions: 3, allSeededBugs: false };
const PAPER: EvaluationSizes = { name: 'paper', packets: 1_000_000, warmup: 100_000, repetitions: 5, allSeededBugs: true };

export function evaluationSizes(setting = process.env.VIGOR_EVALUATION): EvaluationSizes {
  if (setting === undefined || setting === '' || setting === 'small') return SMALL;
  if (setting === 'paper') return PAPER;
  throw new Error(`VIGOR_EVALUATION is "${setting}": set it to "paper" for the paper's sizes, or leave it unset (or "small") for the small defaults`);
}
