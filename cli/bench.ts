// `vigor bench NF_DIR... [options]`: runs each NF for real, its verified .wasm against its C twin compiled
// natively and its TypeScript baseline on the same packets; prints the table and writes the figures as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decimalNumber, type WordedCommand } from '../options/index.ts';
import { benchmarkNf, type BenchOptions, captureDecides, DEFAULT_BENCH, formatBenchmarks, type NfBenchmark } from '../runtime/index.ts';
import { PROJECT_ROOT } from '../toolchain/build.ts';
import { requireFile, requireFileToWrite, requireNfFolder, requireNotInput } from './input-files.ts';

const DEFAULT_JSON = join(PROJECT_ROOT, '.cache', 'bench', 'latest.json');
/** The options that shape generated traffic, which a capture replaces. */
const GENERATOR_OPTIONS = { sizes: '--sizes', occupancy: '--occupancy', newFlows: '--new-flows' } as const;

interface Chosen {
  occupancy: number;
  newFlows: number;
  sizes?: BenchOptions['traffic']['sizes'];
  packets: number;
  warmup: number;
  repetitions: number;
  passes: number;
  seed: number;
  pcap?: string;
  pcapOut?: string;
  json: string;
}

export function addBench(program: WordedCommand, exit: (code: number) => void): void {
  const { traffic } = DEFAULT_BENCH;
  const command = program
    .command('bench')
    .description("run each NF's verified .wasm, its C twin compiled natively and its TypeScript baseline on the same packets")
    .usage('NF_DIR... [options]')
    .argument('<NF_DIR...>', 'NF folders (with nf.json)');
  // A number option (F a fraction, N a whole number) in decimal; the run-time checks the ranges.
  const number = (flag: string, whole: boolean, description: string, fallback: number) =>
    command.option(`${flag} <${whole ? 'N' : 'F'}>`, description, (text: string) => {
      const value = decimalNumber(text);
      return value !== null && (!whole || Number.isInteger(value)) ? value : command.error(`${flag} takes ${whole ? 'a whole number' : 'a number'}, not "${text}"`);
    }, fallback);
  number('--occupancy', false, 'fraction of the main table kept full by background flows', traffic.occupancy);
  number('--new-flows', false, 'fraction of packets that are probes starting a new flow', traffic.newFlowShare);
  command.option('--sizes <LIST>', 'frame sizes in bytes, e.g. 64 or an IMIX 64:7,594:4,1514:1 (size:weight; default 64)', (text: string) => parseSizes(command, text));
  number('--packets', true, 'measured packets per repetition', traffic.packets);
  number('--warmup', true, 'untimed packets after the table is filled', traffic.warmup);
  number('--repetitions', true, 'how many times each implementation runs the packets', DEFAULT_BENCH.repetitions);
  number('--passes', true, 'throughput passes of each implementation per repetition (the fastest counts)', DEFAULT_BENCH.passes);
  number('--seed', true, 'traffic generator seed', traffic.seed);
  command
    .option('--pcap <FILE>', 'replay this classic pcap capture instead of generated traffic (frames arrive on device 0)')
    .option('--pcap-out <FILE>', "write the verified NF's output frames to a pcap file (one NF only)")
    .option('--json <FILE>', 'where to write the figures', DEFAULT_JSON)
    .action(async (dirs: string[], chosen: Chosen) => {
      if (chosen.repetitions < 1) command.error('--repetitions must be at least 1');
      if (chosen.passes < 1) command.error('--passes must be at least 1');
      if (chosen.pcapOut && dirs.length > 1) command.error("--pcap-out writes one NF's output: name a single NF_DIR");
      for (const dir of dirs) requireNfFolder(command, dir);
      if (chosen.pcap) {
        const ignored = Object.entries(GENERATOR_OPTIONS).filter(([key]) => command.getOptionValueSource(key) === 'cli').map(([, flag]) => flag);
        if (ignored.length > 0) command.error(captureDecides(ignored));
      }
      // Checked before the benchmark runs, which takes minutes: a path that cannot be written would lose its figures.
      // Each NF reads the capture: a pipe serves only one.
      if (chosen.pcap) requireFile(command, `--pcap ${chosen.pcap}`, chosen.pcap, dirs.length === 1);
      if (chosen.pcapOut) requireFileToWrite(command, `--pcap-out ${chosen.pcapOut}`, chosen.pcapOut, 'output.pcap');
      requireFileToWrite(command, `--json ${chosen.json}`, chosen.json, 'bench.json', true);
      if (chosen.pcap && chosen.pcapOut) requireNotInput(command, `--pcap-out ${chosen.pcapOut}`, chosen.pcapOut, `--pcap`, chosen.pcap);
      if (chosen.pcap) requireNotInput(command, `--json ${chosen.json}`, chosen.json, `--pcap`, chosen.pcap);
      const options: BenchOptions = {
        traffic: { ...traffic, occupancy: chosen.occupancy, newFlowShare: chosen.newFlows, sizes: chosen.sizes ?? traffic.sizes, packets: chosen.packets, warmup: chosen.warmup, seed: chosen.seed },
        repetitions: chosen.repetitions,
        passes: chosen.passes,
        ...(chosen.pcap ? { pcap: resolve(chosen.pcap) } : {}),
        ...(chosen.pcapOut ? { pcapOut: resolve(chosen.pcapOut) } : {}),
      };
      exit(await bench(dirs, options, chosen.json));
    });
}

async function bench(dirs: string[], options: BenchOptions, json: string): Promise<number> {
  const results: NfBenchmark[] = [];
  for (const dir of dirs) results.push(await benchmarkNf(resolve(dir), options, (line) => console.error(line)));
  console.log(formatBenchmarks(results));
  mkdirSync(dirname(resolve(json)), { recursive: true });
  writeFileSync(resolve(json), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`figures written to ${json}`);
  return 0;
}

function parseSizes(command: WordedCommand, text: string): BenchOptions['traffic']['sizes'] {
  return text.split(',').map((part) => {
    const match = /^(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (!match) return command.error(`--sizes takes sizes in bytes with optional weights, e.g. 64 or 64:7,594:4,1514:1; "${part}" is neither`);
    return { bytes: Number(match[1]), weight: match[2] === undefined ? 1 : Number(match[2]) };
  });
}
