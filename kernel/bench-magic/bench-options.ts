// `%bench [NF ...] [--occupancy F] ...`: the NFs to benchmark and the run-time's options, with defaults small
// enough for a notebook (seconds per NF); the options are those of `vigor bench` that make sense in a cell.
import { resolve } from 'node:path';
import type { BenchOptions } from '../../runtime/bench.ts';
// Not bench.ts itself: it loads the toolchain, which only the benchmark's worker needs.
import { DEFAULT_TRAFFIC } from '../../runtime/traffic.ts';
import { UsageError } from '../session/magic-failures.ts';
import { notAnNf, resolveNfFolder } from '../verification/nf-folders.ts';

/** 100,000 measured packets after the table fill and 20,000 warm-up, 3 repetitions: a few seconds per NF. */
export const NOTEBOOK_BENCH: BenchOptions = {
  traffic: { ...DEFAULT_TRAFFIC, packets: 100_000, warmup: 20_000 },
  repetitions: 3,
};

type Rule = { takes: string; example: string; check: (n: number) => boolean; apply: (options: BenchOptions, n: number) => void };
const fraction = (n: number) => n > 0 && n < 1;
const whole = (least: number) => (n: number) => Number.isInteger(n) && n >= least;

const NUMBER_OPTIONS: Record<string, Rule> = {
  '--occupancy': { takes: 'a fraction between 0 and 1', example: '0.9', check: fraction, apply: (o, n) => (o.traffic.occupancy = n) },
  '--new-flows': { takes: 'a fraction between 0 and 1', example: '0.1', check: (n) => n >= 0 && n <= 1, apply: (o, n) => (o.traffic.newFlowShare = n) },
  '--packets': { takes: 'a whole number of measured packets, at least 1', example: '100000', check: whole(1), apply: (o, n) => (o.traffic.packets = n) },
  '--warmup': { takes: 'a whole number of untimed packets', example: '20000', check: whole(0), apply: (o, n) => (o.traffic.warmup = n) },
  '--repetitions': { takes: 'a whole number, at least 1', example: '3', check: whole(1), apply: (o, n) => (o.repetitions = n) },
  '--seed': { takes: 'a whole number', example: '1', check: whole(0), apply: (o, n) => (o.traffic.seed = n) },
};
const OPTION_NAMES = [...Object.keys(NUMBER_OPTIONS), '--pcap'];

export interface BenchPlan {
  /** The NFs as written (for messages) and their folders. */
  nfs: { name: string; dir: string }[];
  options: BenchOptions;
}

/** `selected` is the folder and name of the NF `%nf` selected, benchmarked when the cell names none. */
export function planBench(args: string, workingDirectory: string, selected: { dir: string; name: string } | undefined): BenchPlan {
  const options: BenchOptions = { traffic: { ...NOTEBOOK_BENCH.traffic }, repetitions: NOTEBOOK_BENCH.repetitions };
  const names: string[] = [];
  const words = args.split(/\s+/).filter((word) => word !== '');
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (!word.startsWith('--')) {
      names.push(word);
      continue;
    }
    if (!OPTION_NAMES.includes(word)) throw new UsageError(`%bench has no option ${word}; its options: ${OPTION_NAMES.join(', ')} (e.g. %bench bridge --occupancy 0.9 --packets 100000)`);
    const value = words[++index];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`%bench ${word} needs a value after it, e.g. ${word} ${NUMBER_OPTIONS[word]?.example ?? 'capture.pcap'}`);
    if (word === '--pcap') {
      options.pcap = resolve(workingDirectory, value);
      continue;
    }
    const rule = NUMBER_OPTIONS[word]!;
    const number = Number(value);
    if (!rule.check(number)) throw new UsageError(`%bench ${word} takes ${rule.takes}, e.g. ${word} ${rule.example}; not "${value}"`);
    rule.apply(options, number);
  }
  if (names.length === 0) {
    if (!selected) throw new UsageError('%bench has no NF to run: name one or more (e.g. %bench nop bridge) or select one first with %nf NAME');
    return { nfs: [selected], options };
  }
  const nfs = names.map((name) => {
    const dir = resolveNfFolder(name, workingDirectory);
    const problem = notAnNf(dir, name);
    if (problem) throw new UsageError(problem);
    return { name, dir };
  });
  return { nfs, options };
}
