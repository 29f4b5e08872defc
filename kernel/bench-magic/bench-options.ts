// `%bench [NF ...] [--occupancy F] ...`: the NFs to benchmark and the run-time's options, with defaults small
// enough for a notebook (seconds per NF); the options are those of `vigor bench` that make sense in a cell.
import { resolve } from 'node:path';
import { captureDecides, DEFAULT_TRAFFIC, type BenchOptions } from '../../runtime/index.ts';
import { decimalNumber, magicCommand, parseMagic, type WordedCommand } from '../session/magic-failures.ts';
import { notAnNf, resolveNfFolder } from '../verification/nf-folders.ts';

/** 100,000 measured packets after the table fill and 20,000 warm-up, 3 repetitions: a few seconds per NF. */
export const NOTEBOOK_BENCH: BenchOptions = {
  traffic: { ...DEFAULT_TRAFFIC, packets: 100_000, warmup: 20_000 },
  repetitions: 3,
  passes: 1,
};

const fraction = (n: number) => n > 0 && n < 1;
const whole = (least: number) => (n: number) => Number.isInteger(n) && n >= least;

export interface BenchPlan {
  /** The NFs as written (for messages) and their folders. */
  nfs: { name: string; dir: string }[];
  options: BenchOptions;
}

interface Chosen {
  occupancy: number;
  newFlows: number;
  packets: number;
  warmup: number;
  repetitions: number;
  passes: number;
  seed: number;
  pcap?: string;
}

/** The command `%bench` parses with, which completion also offers the options of. */
export function benchCommand(workingDirectory: string): WordedCommand {
  const { traffic, repetitions, passes } = NOTEBOOK_BENCH;
  const command = magicCommand('%bench', '%bench bridge --occupancy 0.9 --packets 100000').argument('[NF...]');
  // A number option; its default (the notebook's) is also the example its mistakes show.
  const number = (flag: string, takes: string, check: (n: number) => boolean, example: number) =>
    command.option(`${flag} <N>`, takes, (text: string) => {
      const value = decimalNumber(text);
      return value !== null && check(value) ? value : command.error(`%bench ${flag} takes ${takes}, e.g. ${flag} ${example}; not "${text}"`);
    }, example);
  number('--occupancy', 'a fraction between 0 and 1', fraction, traffic.occupancy);
  number('--new-flows', 'a fraction between 0 and 1', (n) => n >= 0 && n <= 1, traffic.newFlowShare);
  number('--packets', 'a whole number of measured packets, at least 1', whole(1), traffic.packets);
  number('--warmup', 'a whole number of untimed packets', whole(0), traffic.warmup);
  number('--repetitions', 'a whole number, at least 1', whole(1), repetitions);
  number('--passes', 'a whole number of throughput passes per repetition (the fastest counts), at least 1', whole(1), passes);
  number('--seed', 'a whole number', whole(0), traffic.seed);
  command.option('--pcap <FILE>', 'a classic libpcap capture to replay', (file: string) => resolve(workingDirectory, file));
  return command;
}

/** `selected` is the folder and name of the NF `%nf` selected, benchmarked when the cell names none. */
export function planBench(args: string, workingDirectory: string, selected: { dir: string; name: string } | undefined): BenchPlan {
  const { traffic } = NOTEBOOK_BENCH;
  const command = benchCommand(workingDirectory);
  const chosen = parseMagic(command, args).opts<Chosen>();
  const shaping = [['occupancy', '--occupancy'], ['newFlows', '--new-flows']].filter(([key]) => command.getOptionValueSource(key!) === 'cli').map(([, flag]) => flag);
  if (chosen.pcap !== undefined && shaping.length > 0) command.error(`%bench ${captureDecides(shaping)}`);
  const options: BenchOptions = {
    traffic: { ...traffic, occupancy: chosen.occupancy, newFlowShare: chosen.newFlows, packets: chosen.packets, warmup: chosen.warmup, seed: chosen.seed },
    repetitions: chosen.repetitions,
    passes: chosen.passes,
    ...(chosen.pcap === undefined ? {} : { pcap: chosen.pcap }),
  };
  if (command.args.length === 0) {
    if (!selected) return command.error('%bench has no NF to run: name one or more (e.g. %bench nop bridge) or select one first with %nf NAME');
    return { nfs: [selected], options };
  }
  const nfs = command.args.map((name) => {
    const dir = resolveNfFolder(name, workingDirectory);
    const problem = notAnNf(dir, name);
    if (problem) command.error(problem);
    return { name, dir };
  });
  return { nfs, options };
}
