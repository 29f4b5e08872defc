// `%bench [NF ...] [options]` runs the run-time's benchmark (as `vigor bench` does) in a worker thread, with a
// progress line, and shows the table; `%plot bench` draws the benchmarks of this kernel session.
import type { NfBenchmark } from '../../runtime/index.ts';
import type { PlotKind } from '../rich-output/plot-magic.ts';
import { ProgressDisplay } from '../rich-output/progress-display.ts';
import { magicFailure } from '../session/magic-failures.ts';
import type { Magic, MagicContext } from '../session/magics.ts';
import type { CellOutcome } from '../session/output.ts';
import { InterruptibleWorker, WorkerFailure } from '../workers/interruptible-worker.ts';
import { nfCandidates } from '../verification/nf-folders.ts';
import { benchCommand, planBench } from './bench-options.ts';
import type { BenchRequestBody } from './bench-protocol.ts';
import { benchmarkPlotBundles, benchmarkTableBundle } from './bench-render.ts';

const BENCH_HINTS: Record<string, string> = {
  BuildError: 'fix the NF source, then run %bench again',
  ManifestError: "fix the NF's nf.json, then run %bench again",
  TrafficError: 'change the traffic options, e.g. %bench bridge --occupancy 0.9 --packets 100000',
  PcapError: 'give --pcap a classic libpcap capture (tcpdump -w writes one)',
  NativeBaselineError: 'the native C baseline needs gcc (apt-get install -y gcc) and a C twin that compiles',
  OutputMismatch: "a baseline does not behave like the verified NF: fix the baseline (the NF's C twin or runtime/baselines/)",
  WorkerCrashed: 'run the cell again',
};

/** The run-time's progress line of a finished repetition, "  repetition 2/3: wasm 1.08 Mpps, ...". */
const REPETITION_LINE = /repetition (\d+)\/\d+/;

export class NotebookBenchmarks {
  private readonly worker = new InterruptibleWorker<BenchRequestBody, string>({
    file: new URL('./bench-worker.ts', import.meta.url),
    worker: 'the benchmark',
    work: 'benchmark',
    restartLoses: 'the next %bench starts a fresh one',
    // The run-time polls between repetitions; a longer repetition (large --packets) is cut short by terminating.
    interruptGraceMs: 1200,
  });
  /** The latest benchmark of each NF run in this kernel session, in the order first run, for %plot bench and Python's `vigor.benchmarks`. */
  readonly results: NfBenchmark[] = [];

  /** `selectedNf` is what %nf selected: %bench without NF names benchmarks it. */
  constructor(private readonly workingDirectory: string, private readonly selectedNf: () => { dir: string; name: string } | undefined) {}

  magics(): Magic[] {
    return [{
      name: 'bench',
      kind: 'line',
      summary: 'run NFs for real: %bench [NF ...] [--occupancy 0.9] [--packets N] [--warmup N] [--repetitions N] [--passes N] [--new-flows F] [--seed N] [--pcap FILE]: throughput and probe latency of the verified .wasm, native C and TypeScript',
      run: async ({ args }, context) => {
        try {
          return await this.bench(args, context);
        } catch (error) {
          return magicFailure(error, BENCH_HINTS, 'this is a bug of the benchmark: report it with the notebook');
        }
      },
      dispose: () => this.worker.close(),
      arguments: { command: () => benchCommand(this.workingDirectory), candidates: (typed) => nfCandidates(typed, this.workingDirectory) },
    }];
  }

  plotKinds(): PlotKind[] {
    return [{
      name: 'bench',
      summary: 'throughput and probe latency per NF and implementation',
      draw: () => (this.results.length === 0 ? { nothingYet: 'no benchmark ran in this kernel yet: run %bench NF (e.g. %bench nop bridge) first' } : benchmarkPlotBundles(this.results)),
    }];
  }

  private async bench(args: string, { sink, signal }: MagicContext): Promise<CellOutcome> {
    const { nfs, options } = planBench(args, this.workingDirectory, this.selectedNf());
    const progress = new ProgressDisplay(sink, `%bench ${nfs.map((nf) => nf.name).join(' ')}`);
    const total = nfs.length * options.repetitions;
    const results: NfBenchmark[] = [];
    try {
      for (const [index, nf] of nfs.entries()) {
        const report = (line: string) => {
          const repetition = REPETITION_LINE.exec(line);
          // Before the first repetition (build, traffic, gcc) the bar is indeterminate.
          // The run-time's first line names the NF; its repetition lines do not.
          const what = repetition ? `${nf.name}: ${line.trim()}` : line.trim();
          progress.report(what, index * options.repetitions + Number(repetition?.[1] ?? 0), repetition ? total : undefined);
        };
        results.push(await this.worker.request<NfBenchmark>({ nfDir: nf.dir, options }, signal, report));
      }
    } catch (error) {
      progress.finish(error instanceof WorkerFailure && error.interrupted ? 'interrupted' : 'stopped by an error');
      throw error;
    }
    progress.finish(`${results.length} NF${results.length > 1 ? 's' : ''} benchmarked, ${options.repetitions} repetitions`);
    for (const result of results) this.record(result);
    return { status: 'ok', result: { data: benchmarkTableBundle(results), metadata: {} } };
  }

  private record(result: NfBenchmark): void {
    const earlier = this.results.findIndex((r) => r.nf === result.nf);
    if (earlier >= 0) this.results[earlier] = result;
    else this.results.push(result);
  }
}
