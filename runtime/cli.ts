// `npx vigor bench NF_DIR...`: runs NFs for real and compares them with their baselines (runtime/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BuildError, PROJECT_ROOT } from '../toolchain/build.ts';
import { ManifestError } from '../nf-abi/index.ts';
import { benchmarkNf, DEFAULT_BENCH, OutputMismatch, type BenchOptions, type NfBenchmark } from './bench.ts';
import { TrafficError } from './traffic.ts';
import { NativeBaselineError } from './native-baseline.ts';
import { PcapError } from './pcap.ts';
import { formatBenchmarks } from './report.ts';
import { takeOption, UsageError } from '../toolchain/cli-args.ts';

const DEFAULT_JSON = join(PROJECT_ROOT, '.cache', 'bench', 'latest.json');

const USAGE = `usage: vigor bench NF_DIR... [options]
  runs each NF's verified .wasm, its C twin compiled natively and its TypeScript baseline on the same packets
  --occupancy F     fraction of the main table kept full by background flows (default ${DEFAULT_BENCH.traffic.occupancy})
  --new-flows F     fraction of packets that are probes starting a new flow (default ${DEFAULT_BENCH.traffic.newFlowShare})
  --sizes LIST      frame sizes in bytes, e.g. 64 or an IMIX 64:7,594:4,1514:1 (size:weight; default 64)
  --packets N       measured packets per repetition (default ${DEFAULT_BENCH.traffic.packets})
  --warmup N        untimed packets after the table is filled (default ${DEFAULT_BENCH.traffic.warmup})
  --repetitions N   (default ${DEFAULT_BENCH.repetitions})
  --seed N          traffic generator seed (default ${DEFAULT_BENCH.traffic.seed})
  --pcap FILE       replay this classic pcap capture instead of generated traffic (frames arrive on device 0)
  --pcap-out FILE   write the verified NF's output frames to a pcap file (one NF only)
  --json FILE       where to write the figures (default ${DEFAULT_JSON})`;


export async function main(args: string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command !== 'bench') throw new UsageError(USAGE);
    return await bench(rest);
  } catch (e) {
    if ([UsageError, BuildError, ManifestError, TrafficError, NativeBaselineError, PcapError].some((type) => e instanceof type)) {
      console.error(`error: ${(e as Error).message}`);
      return 2;
    }
    if (e instanceof OutputMismatch) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

async function bench(args: string[]): Promise<number> {
  const options = parseOptions(args);
  const json = option(args, '--json') ?? DEFAULT_JSON;
  if (args.length === 0 || args.some((arg) => arg.startsWith('--'))) throw new UsageError(args.length ? `unknown option ${args.find((a) => a.startsWith('--'))}\n${USAGE}` : USAGE);
  if (options.pcapOut && args.length > 1) throw new UsageError('--pcap-out writes one NF\'s output: name a single NF_DIR');
  const results: NfBenchmark[] = [];
  for (const dir of args) results.push(await benchmarkNf(resolve(dir), options, (line) => console.error(line)));
  console.log(formatBenchmarks(results));
  mkdirSync(dirname(resolve(json)), { recursive: true });
  writeFileSync(resolve(json), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`figures written to ${json}`);
  return 0;
}

function parseOptions(args: string[]): BenchOptions {
  const traffic = { ...DEFAULT_BENCH.traffic };
  const number = (name: string, whole: boolean): number | undefined => {
    const text = option(args, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
      throw new UsageError(`${name} takes ${whole ? 'a whole number' : 'a number'}, not "${text}"`);
    }
    return value;
  };
  traffic.occupancy = number('--occupancy', false) ?? traffic.occupancy;
  traffic.newFlowShare = number('--new-flows', false) ?? traffic.newFlowShare;
  traffic.packets = number('--packets', true) ?? traffic.packets;
  traffic.warmup = number('--warmup', true) ?? traffic.warmup;
  traffic.seed = number('--seed', true) ?? traffic.seed;
  const sizes = option(args, '--sizes');
  if (sizes !== undefined) traffic.sizes = parseSizes(sizes);
  const repetitions = number('--repetitions', true) ?? DEFAULT_BENCH.repetitions;
  if (repetitions < 1) throw new UsageError('--repetitions must be at least 1');
  const pcap = option(args, '--pcap');
  const pcapOut = option(args, '--pcap-out');
  return { traffic, repetitions, ...(pcap ? { pcap: resolve(pcap) } : {}), ...(pcapOut ? { pcapOut: resolve(pcapOut) } : {}) };
}

function parseSizes(text: string): BenchOptions['traffic']['sizes'] {
  return text.split(',').map((part) => {
    const match = /^(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (!match) throw new UsageError(`--sizes takes sizes in bytes with optional weights, e.g. 64 or 64:7,594:4,1514:1; "${part}" is neither`);
    return { bytes: Number(match[1]), weight: match[2] === undefined ? 1 : Number(match[2]) };
  });
}

const option = (args: string[], name: string): string | undefined => takeOption(args, name, USAGE);
