// The verification side of a notebook: `%nf` selects (builds and explores) an NF, `%%property NAME` cells (or a
// first line `# property: NAME`) are verified at once against it, `%verify` checks the NF's spec and properties,
// `%plot traces|times` draws what was verified. A property that fails is a verdict (shown with its counterexample), not a cell
// error; a spec that cannot run, an NF that does not build and an interrupt are cell errors.
import { join, relative } from 'node:path';
import { formatRaisedOn, verdictSummary } from '../../engine/index.ts';
import { magicFailure, parseMagic, type WordedCommand } from '../session/magic-failures.ts';
import type { CellOutcome, MimeBundle } from '../session/output.ts';
import type { Magic, MagicContext } from '../session/magics.ts';
import type { PlotKind } from '../rich-output/plot-magic.ts';
import { ProgressDisplay } from '../rich-output/progress-display.ts';
import { WorkerFailure } from '../workers/interruptible-worker.ts';
import { EngineClient } from './engine-client.ts';
import type { Layers, NfSummary, ProgressUpdate, PropertyInput, PropertyReport } from './engine-protocol.ts';
import { nfCommand, propertyCommand, verifyCommand } from './magic-arguments.ts';
import { nfCandidates, notAnNf, resolveNfFolder } from './nf-folders.ts';
import { plotBundle, type VerificationRecord } from './plot.ts';
import { nfSummaryBundle, verdictBundle } from './render.ts';
import { specError } from './spec-errors.ts';

const PROPERTY_NAME = /^[A-Za-z_]\w*$/;

export class NotebookVerification {
  private readonly engine = new EngineClient();
  private current: NfSummary | undefined;
  /** Properties defined in cells since the NF was selected: `%verify` re-checks them, later cells import them. */
  private readonly cellProperties = new Map<string, { text: string; file: string }>();
  /** What was verified in this kernel session, for %plot and Python's `vigor`: one record per exploration and per property check. */
  readonly records: VerificationRecord[] = [];
  /** The latest report of each property checked against the selected NF, for Python's `vigor`. */
  readonly reports = new Map<string, PropertyReport>();

  constructor(private readonly workingDirectory: string) {}

  /** Starts the verifier's worker and its slow parts now, so that the first %nf does not wait for them. */
  prepare(): void {
    this.engine.prepare();
  }

  /** The selected NF, for completion (its manifest) and inspection. */
  get selected(): NfSummary | undefined {
    return this.current;
  }

  /** Names `import` can include in a property: the NF's property files and the cells' properties. */
  importableProperties(): string[] {
    return [...(this.current?.propertyFiles ?? []), ...this.cellProperties.keys()];
  }

  magics(): Magic[] {
    const guard = (run: (args: string, body: string, firstLine: number, context: MagicContext) => Promise<CellOutcome>) =>
      async ({ args, body, firstLine }: { args: string; body: string; firstLine: number }, context: MagicContext) => {
        try {
          return await run(args, body, firstLine, context);
        } catch (error) {
          return magicFailure(error, ENGINE_HINTS, 'this is a bug of the verifier: report it with the notebook');
        }
      };
    return [
      { name: 'nf', kind: 'line', summary: 'select an NF: %nf NAME_OR_PATH [--layers nf|nf,io|full] builds it, explores its paths and shows its traces', run: guard((args, _b, _l, c) => this.selectNf(args, c)), dispose: () => this.engine.close(),
        arguments: { command: nfCommand, candidates: (typed) => nfCandidates(typed, this.workingDirectory) } },
      { name: 'property', kind: 'cell', summary: 'verify the cell as property NAME against the selected NF (also: a first line "# property: NAME")', run: guard((args, body, line, c) => this.checkCell(args, body, line, c)),
        arguments: { command: propertyCommand } },
      { name: 'verify', kind: 'line', summary: "verify properties: %verify checks spec.py, properties/*.py and the cells' properties; %verify NAME ... only those", run: guard((args, _b, _l, c) => this.verify(args, c)),
        arguments: { command: verifyCommand, candidates: () => (this.current ? [...fileProperties(this.current), ...this.cellProperties.keys()] : []) } },
    ];
  }

  private async selectNf(args: string, { sink, signal }: MagicContext): Promise<CellOutcome> {
    const command = nfCommand();
    const { layers } = parseMagic(command, args).opts<{ layers: Layers }>();
    if (command.args.length !== 1) command.error(`%nf takes one NF, a name in nfs/ or a path (got ${command.args.length}): e.g. %nf bridge`);
    const name = command.args[0]!;
    const folder = resolveNfFolder(name, this.workingDirectory);
    const problem = notAnNf(folder, name);
    if (problem) command.error(problem);
    const progress = new ProgressDisplay(sink, `%nf ${name}`);
    const summary = await this.withProgress(progress, () => this.engine.open(folder, layers, signal, (update) => progress.report(describeProgress(update), update.done, update.total)));
    progress.finish(`${summary.figures.traces} traces`);
    this.current = summary;
    // The engine starts a fresh session for the NF: properties of earlier cells are no longer importable.
    this.cellProperties.clear();
    this.reports.clear();
    this.record({ nf: summary.name, layers: summary.layers, traces: summary.figures.traces, seconds: summary.figures.seconds });
    return result(nfSummaryBundle(summary));
  }

  private async checkCell(args: string, body: string, firstLine: number, context: MagicContext): Promise<CellOutcome> {
    const command = parseMagic(propertyCommand(), args);
    const [name, ...extra] = command.args;
    if (!name || !PROPERTY_NAME.test(name) || extra.length > 0) {
      command.error(`a property cell starts with %%property NAME (or # property: NAME), NAME a Python identifier such as no_loop; got "${args}"`);
    }
    const nf = this.requireNf(command);
    // A cell named like a file would hide the file from %verify and from `import`, and %verify would show both.
    if (fileProperties(nf).includes(name)) {
      command.error(`${nf.name} already has a property named ${name} (${relative(this.workingDirectory, propertyFile(nf, name))}): choose another name for this cell, or run %verify ${name} to check the file`);
    }
    // Leading newlines make the spec's lines those of the cell.
    const text = '\n'.repeat(firstLine - 1) + body;
    const file = `Cell In[${context.executionCount}]`;
    const outcome = await this.check(nf, [{ name, text, file }], context, `%%property ${name}`);
    if (outcome.status === 'ok') this.cellProperties.set(name, { text, file });
    return outcome;
  }

  private async verify(args: string, context: MagicContext): Promise<CellOutcome> {
    const command = parseMagic(verifyCommand(), args);
    const nf = this.requireNf(command);
    // A name given twice is checked once: the verdicts count properties, not mentions.
    const names = [...new Set(command.args)];
    const onDisk = (name: string): PropertyInput => ({ name, path: propertyFile(nf, name) });
    const known = fileProperties(nf);
    const inCell = (name: string): PropertyInput => ({ name, ...this.cellProperties.get(name)! });
    const properties = names.length === 0
      ? [...known.map(onDisk), ...[...this.cellProperties.keys()].map(inCell)]
      : names.map((name) => {
          if (this.cellProperties.has(name)) return inCell(name);
          if (known.includes(name)) return onDisk(name);
          return command.error(`no property "${name}" for ${nf.name}: properties are ${[...known, ...this.cellProperties.keys()].join(', ') || 'none yet'} (define one in a %%property cell)`);
        });
    if (properties.length === 0) command.error(`${nf.name} has no spec.py and no properties/*.py, and no property cell was run: write one in a %%property NAME cell`);
    return this.check(nf, properties, context, `%verify ${nf.name}`);
  }

  /** Checks properties against the selected NF; the verdicts are the result, an invalid spec the cell's error. */
  private async check(nf: NfSummary, properties: PropertyInput[], { sink, signal }: MagicContext, title: string): Promise<CellOutcome> {
    const progress = new ProgressDisplay(sink, title);
    const answer = await this.withProgress(progress, () => this.engine.verify(nf.nfDir, nf.layers, properties, signal, (update) => progress.report(describeProgress(update), update.done, update.total)));
    progress.finish(verdictSummary(nf.name, nf.figures.traces, nf.figures.violations, answer.reports));
    for (const report of answer.reports) this.reports.set(report.name, report);
    for (const report of answer.reports) {
      if (report.verdict === 'holds' || report.verdict === 'fails') this.record({ nf: nf.name, layers: nf.layers, property: report.name, verdict: report.verdict, traces: report.traces, specPaths: report.specPaths, seconds: report.seconds });
    }
    const invalid = answer.reports.find((report): report is Extract<PropertyReport, { verdict: 'invalid' }> => report.verdict === 'invalid');
    if (!invalid) return result(verdictBundle(nf, answer));
    if (answer.reports.length > 1) sink.displayData({ data: verdictBundle(nf, answer), metadata: {} });
    const cell = properties.find((property) => property.name === invalid.name);
    return { status: 'error', error: specError(invalid.errors, invalid.file, cell && 'text' in cell ? cell.text : '', invalid.raisedOn ? formatRaisedOn(invalid.raisedOn, '  ') : []) };
  }

  /** %plot traces and %plot times: what this kernel verified. */
  plotKinds(): PlotKind[] {
    const draw = (kind: 'traces' | 'times') => () => {
      if (!this.records.some((record) => record.property !== undefined)) {
        return { nothingYet: 'nothing was verified in this kernel yet: select an NF with %nf NAME and verify a property first' };
      }
      return [plotBundle(kind, this.records)];
    };
    return [
      { name: 'traces', summary: 'traces and spec paths per property', draw: draw('traces') },
      { name: 'times', summary: 'seconds of exploration and of each property', draw: draw('times') },
    ];
  }

  /** The latest figures of each exploration and property (per layers), in the order they were first verified. */
  private record(record: VerificationRecord): void {
    const earlier = this.records.findIndex((r) => r.nf === record.nf && r.layers === record.layers && r.property === record.property);
    if (earlier >= 0) this.records[earlier] = record;
    else this.records.push(record);
  }

  /** The selected NF; without one, `command` (the magic's) says how to select one. */
  private requireNf(command: WordedCommand): NfSummary {
    return this.current ?? command.error('no NF is selected: start with %nf NAME (an NF of nfs/, e.g. %nf bridge) or %nf PATH');
  }

  /** Closes the progress line with how the work ended, whatever happens. */
  private async withProgress<T>(progress: ProgressDisplay, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      progress.finish(error instanceof WorkerFailure && error.interrupted ? 'interrupted' : 'stopped by an error');
      throw error;
    }
  }
}

/** The NF's properties on disk, by name: `spec` (spec.py) and those of properties/. */
function fileProperties(nf: NfSummary): string[] {
  return [...(nf.hasSpec ? ['spec'] : []), ...nf.propertyFiles];
}

function propertyFile(nf: NfSummary, name: string): string {
  return name === 'spec' ? join(nf.nfDir, 'spec.py') : join(nf.nfDir, 'properties', `${name}.py`);
}

function result(data: MimeBundle): CellOutcome {
  return { status: 'ok', result: { data, metadata: {} } };
}

/** Exploring: paths so far; checking: traces done of total. */
function describeProgress(update: ProgressUpdate): string {
  const property = update.property ? ` ${update.property.name} (${update.property.index + 1} of ${update.property.count})` : '';
  const amount = update.phase === 'explore' ? `${update.done} paths explored` : `${update.done} of ${update.total ?? '?'} traces checked`;
  return `${update.phase === 'explore' ? 'exploring the NF' : `checking${property}`}, ${amount}${update.detail ? `, ${update.detail}` : ''}`;
}

const ENGINE_HINTS: Record<string, string> = {
  BuildError: 'fix the NF source, then run %nf again',
  ManifestError: "fix the NF's nf.json, then run %nf again",
  EngineError: 'the verifier cannot give an answer for this NF or property (it never gives a wrong one); see the message',
  WorkerCrashed: 'run the cell again',
};
