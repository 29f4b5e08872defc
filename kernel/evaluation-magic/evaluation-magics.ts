// `%evaluate nfs|verify|bugs`: the paper's tables measured live (evaluation/) into Python's `vigor.evaluation`,
// which the paper-evaluation notebook turns into tables and plots. `nfs` reads the NFs found in nfs/ and counts
// lines of code; `verify [NF ...]` explores each NF with every layer selection of the engine and checks spec.py
// and every property; `bugs` verifies the seeded bugs of evaluation/seeded-bugs.json and records what caught each.
import { basename, join } from 'node:path';
import { describeNf, discoverNfs, evaluationSizes, type LayerLines, type LayerMeasurement, layerSelections, linesOfCode, type NfDescription, type NfVerification, paperReference, PROJECT_ROOT, seededBugs, type SeededBugResult } from '../../evaluation/index.ts';
import { ProgressDisplay } from '../rich-output/progress-display.ts';
import { magicCommand, magicFailure, parseMagic } from '../session/magic-failures.ts';
import type { Magic, MagicContext } from '../session/magics.ts';
import type { CellOutcome } from '../session/output.ts';
import { InterruptibleWorker, WorkerFailure } from '../workers/interruptible-worker.ts';
import type { EvaluationRequestBody } from './evaluation-protocol.ts';

const WHAT = ['nfs', 'verify', 'bugs'] as const;

/** What `%evaluate` measured in this kernel session: the JSON of Python's `vigor.evaluation`. */
export interface EvaluationData {
  /** small (the default) or paper (VIGOR_EVALUATION=paper), with the sizes the notebook's %bench uses. */
  sizes: ReturnType<typeof evaluationSizes>;
  nfs: NfDescription[];
  lines: LayerLines[];
  verification: NfVerification[];
  bugs: SeededBugResult[];
  /** evaluation/paper-reference.json: the paper's figures with their sources (a null is "not found"). */
  paper: unknown;
}

const HINTS: Record<string, string> = {
  BuildError: 'fix the NF source (or the seeded edit in evaluation/seeded-bugs.json), then run %evaluate again',
  ManifestError: "fix the NF's nf.json, then run %evaluate again",
  WorkerCrashed: 'run the cell again',
};

const command = () => magicCommand('%evaluate', '%evaluate verify nat').argument('<WHAT>', WHAT.join(', ')).argument('[NF...]');

export class NotebookEvaluation {
  private readonly worker = new InterruptibleWorker<EvaluationRequestBody, string>({
    file: new URL('./evaluation-worker.ts', import.meta.url),
    worker: 'the evaluation',
    work: 'evaluation',
    restartLoses: 'the next %evaluate starts a fresh one',
    interruptGraceMs: 1200,
  });
  readonly data: EvaluationData = { sizes: evaluationSizes(), nfs: [], lines: [], verification: [], bugs: [], paper: null };

  magics(): Magic[] {
    return [{
      name: 'evaluate',
      kind: 'line',
      summary: "measure the paper's tables into vigor.evaluation: %evaluate nfs (NFs and lines of code), %evaluate verify [NF ...] (every layer and property), %evaluate bugs (seeded bugs)",
      run: async ({ args }, context) => {
        try {
          return await this.evaluate(args, context);
        } catch (error) {
          return magicFailure(error, HINTS, 'this is a bug of the evaluation: report it with the notebook');
        }
      },
      dispose: () => this.worker.close(),
      arguments: { command, candidates: (typed) => [...WHAT, ...discoverNfs().map((dir) => basename(dir))].filter((word) => word.startsWith(typed)) },
    }];
  }

  private async evaluate(args: string, context: MagicContext): Promise<CellOutcome> {
    const parsed = parseMagic(command(), args);
    const [what, ...names] = parsed.args as [string, ...string[]];
    if (!(WHAT as readonly string[]).includes(what)) parsed.error(`%evaluate takes ${WHAT.join(', ')} (e.g. %evaluate verify nat), got "${what}"`);
    const known = discoverNfs();
    const chosen = names.length === 0 ? known : names.map((name) => known.find((dir) => basename(dir) === name) ?? parsed.error(`%evaluate: no NF "${name}" in nfs/ (NFs: ${known.map((dir) => basename(dir)).join(', ')})`));
    if (what === 'nfs') {
      this.data.nfs = chosen.map(describeNf);
      this.data.lines = linesOfCode(chosen);
      this.data.paper = paperReference();
      return text(`${chosen.length} NFs: ${this.data.nfs.map((nf) => nf.name).join(', ')}; sizes ${this.data.sizes.name}`);
    }
    if (what === 'verify') {
      const verified: NfVerification[] = [];
      for (const nfDir of chosen) {
        const layers = await this.run(`%evaluate verify ${basename(nfDir)}`, layerSelections().map((layers) => ({ kind: 'verify', nfDir, layers })), context);
        verified.push({ nf: describeNf(nfDir).name, layers: layers as LayerMeasurement[] });
        // Each NF's sessions (traces, solver, spec interpreter) stay in the worker: a fresh one per NF bounds its memory.
        await this.worker.close();
      }
      this.keep(this.data.verification, verified, (v) => v.nf);
      return text(`verified ${verified.length} NFs with every layer selection: ${verified.map((v) => v.nf).join(', ')}`);
    }
    const present = new Set(chosen.map((dir) => basename(dir)));
    const bugs = seededBugs().filter((bug) => present.has(bug.nf) && (this.data.sizes.allSeededBugs || bug.small));
    const done = await this.run('%evaluate bugs', bugs.map((bug) => ({ kind: 'bug', nfDir: join(PROJECT_ROOT, 'nfs', bug.nf), bug })), context);
    this.keep(this.data.bugs, done as SeededBugResult[], (b) => b.id);
    return text(`${done.length} seeded bugs verified, ${(done as SeededBugResult[]).filter((b) => b.caughtBy !== null).length} caught`);
  }

  /** Runs the requests in turn on the worker, with a progress line; the answers in order. */
  private async run(title: string, requests: EvaluationRequestBody[], { sink, signal }: MagicContext): Promise<unknown[]> {
    const progress = new ProgressDisplay(sink, title);
    const answers: unknown[] = [];
    try {
      for (const [index, request] of requests.entries()) {
        const what = request.kind === 'bug' ? `seeded bug ${request.bug.id}` : basename(request.nfDir);
        progress.report(what, index, requests.length);
        answers.push(await this.worker.request(request, signal, (line) => progress.report(line, index, requests.length)).catch((error: unknown) => {
          // A layer selection whose exploration crashed the worker (out of memory, say) is a row saying so; the
          // next request starts a fresh worker.
          if (request.kind !== 'verify' || !(error instanceof WorkerFailure) || error.interrupted) throw error;
          return { layers: request.layers, built: false, outcome: 'failed', reason: error.message } satisfies LayerMeasurement;
        }));
      }
    } catch (error) {
      progress.finish(error instanceof WorkerFailure && error.interrupted ? 'interrupted' : 'stopped by an error');
      throw error;
    }
    progress.finish(`${answers.length} done`);
    return answers;
  }

  /** The latest result of each item, in the order first measured. */
  private keep<T>(list: T[], results: T[], key: (item: T) => string): void {
    for (const result of results) {
      const earlier = list.findIndex((item) => key(item) === key(result));
      if (earlier >= 0) list[earlier] = result;
      else list.push(result);
    }
  }
}

function text(line: string): CellOutcome {
  return { status: 'ok', result: { data: { 'text/plain': line }, metadata: {} } };
}
