// The cell handler: what the kernel does with code, independent of ZeroMQ. The protocol server and
// `vigor run` both drive it, so a notebook behaves the same in Jupyter and without it.
import { mergeCompletions, type Completion, type CompletionSource, type InspectionSource } from './session/assistance.ts';
import { helpRequest, notFound, type HelpRequest } from './session/help-request.ts';
import { History, type HistoryQuery, type HistoryRow } from './session/history.ts';
import { MagicAssistance } from './session/magic-assistance.ts';
import { MagicRegistry, planCell, type MagicContext } from './session/magics.ts';
import { historyMagic, lsmagicMagic } from './session/session-magics.ts';
import { BackgroundErrors } from './session/background-errors.ts';
import { type CellOutcome, type MimeBundle, type OutputSink } from './session/output.ts';
import { StreamCoalescer } from './session/stream-coalescer.ts';
import { PythonRuntime } from './python/python-runtime.ts';
import type { CellHandler, ExecuteOptions, ExecuteSummary, IsCompleteAnswer, UserExpressionValues } from './session/cell-handler.ts';
import { NotebookBenchmarks } from './bench-magic/bench-magics.ts';
import { NotebookEvaluation } from './evaluation-magic/evaluation-magics.ts';
import { plotMagic } from './rich-output/plot-magic.ts';
import { typeScriptMagic } from './typescript/ts-magic.ts';
import { propertyCell } from './verification/property-cell.ts';
import { resultsJson } from './verification/session-results.ts';
import { SpecAssistance } from './verification/spec-assistance.ts';
import { NotebookVerification } from './verification/verification-magics.ts';

export interface KernelSessionOptions {
  /** Directory %%ts resolves imports from (the notebook's). */
  workingDirectory: string;
}

const DISCARD: OutputSink = {
  stream() {},
  displayData() {},
  updateDisplayData() {},
  executeResult() {},
  error() {},
  clearOutput() {},
};

export class KernelSession implements CellHandler {
  /** Add magics here (name -> handler); the engine registers %nf, %verify, ... */
  readonly magics = new MagicRegistry();
  readonly python = new PythonRuntime();
  private readonly history = new History();
  private readonly magicAssistance: MagicAssistance;
  private readonly completionSources: CompletionSource[] = [];
  private readonly inspectionSources: InspectionSource[] = [];
  private readonly verification: NotebookVerification;
  private readonly benchmarks: NotebookBenchmarks;
  private readonly evaluation = new NotebookEvaluation();
  /** Errors of %%ts code that outlived its cell: on the running cell's output, or the next one's. */
  private readonly backgroundErrors = new BackgroundErrors();
  /** The results JSON Python's `vigor` was last given. */
  private resultsGiven = '';
  private executionCount = 0;
  private running: AbortController | undefined;

  constructor(options: KernelSessionOptions) {
    this.magics.register(typeScriptMagic(options.workingDirectory, (text) => this.backgroundErrors.report(text)));
    this.magics.register(lsmagicMagic(this.magics));
    this.magics.register(historyMagic(this.history));
    const verification = new NotebookVerification(options.workingDirectory);
    this.verification = verification;
    for (const magic of verification.magics()) this.magics.register(magic);
    const selectedNf = () => (verification.selected ? { dir: verification.selected.nfDir, name: verification.selected.name } : undefined);
    const benchmarks = new NotebookBenchmarks(options.workingDirectory, selectedNf);
    this.benchmarks = benchmarks;
    for (const magic of benchmarks.magics()) this.magics.register(magic);
    for (const magic of this.evaluation.magics()) this.magics.register(magic);
    this.magics.register(plotMagic([...verification.plotKinds(), ...benchmarks.plotKinds()]));
    this.magicAssistance = new MagicAssistance(this.magics);
    const spec = new SpecAssistance(verification);
    this.completionSources.push(spec.inPropertyCells, spec.inOtherCells, this.python);
    // A spec name in a property cell means the spec's; elsewhere a Python name of the same spelling comes first.
    this.inspectionSources.push(this.magicAssistance, spec.inPropertyCells, this.python, spec.inOtherCells);
  }

  /** Starts what the first verification needs (the verifier's worker, Z3, its Python) in the background. */
  prepareVerification(): void {
    this.verification.prepare();
  }

  /** Another source of completions (e.g. the engine's state names and header fields), asked alongside Python's. */
  addCompletionSource(source: CompletionSource): void {
    this.completionSources.unshift(source);
  }

  /** Another source of documentation, asked before Python's namespace. */
  addInspectionSource(source: InspectionSource): void {
    this.inspectionSources.splice(this.inspectionSources.indexOf(this.python), 0, source);
  }

  async execute(code: string, sink: OutputSink, options: ExecuteOptions): Promise<ExecuteSummary> {
    const storeHistory = options.storeHistory && !options.silent;
    if (storeHistory) this.executionCount++;
    const executionCount = this.executionCount;
    options.onStart?.(executionCount);
    const output = new StreamCoalescer(options.silent ? DISCARD : sink);
    const controller = new AbortController();
    this.running = controller;
    // A silent cell shows nothing: what happens meanwhile waits for a cell that shows it.
    if (!options.silent) this.backgroundErrors.attach(output);
    let outcome: CellOutcome;
    try {
      outcome = await this.run(code, { sink: output, executionCount, signal: controller.signal });
    } catch (error) {
      // A bug in a handler must not take the kernel down; the user sees it as the cell's error.
      const failure = error instanceof Error ? error : new Error(String(error));
      outcome = { status: 'error', error: { ename: 'KernelError', evalue: failure.message, traceback: (failure.stack ?? failure.message).split('\n') } };
    } finally {
      this.running = undefined;
      this.backgroundErrors.detach();
    }
    let resultText: string | null = null;
    if (outcome.status === 'ok' && outcome.result) {
      output.executeResult(executionCount, outcome.result.data, outcome.result.metadata);
      resultText = typeof outcome.result.data['text/plain'] === 'string' ? outcome.result.data['text/plain'] : null;
    } else if (outcome.status === 'error') {
      output.error(outcome.error);
    }
    output.flush();
    if (storeHistory) this.history.record({ line: executionCount, input: code, output: resultText });
    return outcome.status === 'ok' ? { status: 'ok', executionCount } : { status: 'error', executionCount, error: outcome.error };
  }

  /** Stops the running cell, if any (Python raises KeyboardInterrupt; magics see their signal aborted). */
  interrupt(): void {
    this.running?.abort();
  }

  async complete(code: string, cursorPos: number): Promise<Completion> {
    // Magic names are a namespace of their own: after % or %% no other source applies.
    const magicNames = await this.magicAssistance.complete(code, cursorPos);
    if (magicNames) return magicNames;
    const answers = await Promise.all(this.completionSources.map((source) => source.complete(code, cursorPos)));
    const exclusive = answers.find((answer) => answer?.exclusive);
    if (exclusive) return { matches: exclusive.matches, cursorStart: exclusive.cursorStart, cursorEnd: exclusive.cursorEnd };
    return mergeCompletions(code, cursorPos, answers);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<MimeBundle | undefined> {
    for (const source of this.inspectionSources) {
      const found = await source.inspect(code, cursorPos, detailLevel);
      if (found) return found;
    }
    return undefined;
  }

  async isComplete(code: string): Promise<IsCompleteAnswer> {
    const plan = planCell(code);
    if (plan.kind === 'python') return plan.python.trim() === '' ? { status: 'complete' } : this.python.isComplete(plan.python);
    const { body, firstLine } = plan.invocation;
    const property = propertyCell(code) !== undefined;
    if (property && body.trim() !== '') {
      const spec = await this.python.isComplete(body, true);
      // A `# property:` cell (its body is the whole cell) is Python as it stands; an open block keeps its indent.
      if (firstLine === 1 || spec.status !== 'complete') return spec;
    }
    // As in IPython's console: a cell magic's body ends with an empty line.
    const lastLine = code.slice(code.lastIndexOf('\n') + 1);
    return code.includes('\n') && lastLine.trim() === '' ? { status: 'complete' } : { status: 'incomplete', indent: '' };
  }

  async userExpressions(expressions: Record<string, string>): Promise<UserExpressionValues> {
    const values = await this.python.userExpressions(expressions);
    if (values) return values;
    // Python was interrupted or replaced meanwhile: every expression gets the same answer, none is left out.
    const unanswered = { status: 'error' as const, ename: 'KeyboardInterrupt', evalue: 'Python stopped before it evaluated the user expressions', traceback: [] };
    return Object.fromEntries(Object.keys(expressions).map((name) => [name, unanswered]));
  }

  historyQuery(query: HistoryQuery, withOutput: boolean): HistoryRow[] {
    return this.history.query(query, withOutput);
  }

  async close(): Promise<void> {
    await this.magics.disposeAll();
    await this.python.close();
  }

  /** `name?` and `name??`: what inspection shows, as output (IPython's pager text, in the cell). */
  private async help({ name, detailLevel }: HelpRequest, { sink }: MagicContext): Promise<CellOutcome> {
    const found = await this.inspect(name, name.length, detailLevel);
    if (found) sink.displayData({ data: found, metadata: {} });
    else sink.stream('stdout', notFound(name));
    return { status: 'ok' };
  }

  /** Python's `vigor` follows what the verification magics found (only when it changed). */
  private giveResultsToPython(): void {
    const json = resultsJson(this.verification, { benchmarks: this.benchmarks.results, evaluation: this.evaluation.data });
    if (json === this.resultsGiven) return;
    this.resultsGiven = json;
    this.python.setResults(json);
  }

  private async run(code: string, context: MagicContext): Promise<CellOutcome> {
    const help = helpRequest(code);
    if (help) return this.help(help, context);
    const plan = planCell(code);
    if (plan.kind === 'cell-magic') {
      const magic = this.magics.find('cell', plan.name);
      if (!magic) return this.magics.unknownMagic('cell', plan.name, plan.invocation.firstLine - 1);
      try {
        return await magic.run(plan.invocation, context);
      } finally {
        this.giveResultsToPython();
      }
    }
    let outcome: CellOutcome = { status: 'ok' };
    for (const { name, invocation } of plan.lineMagics) {
      const magic = this.magics.find('line', name);
      if (!magic) return this.magics.unknownMagic('line', name, invocation.firstLine);
      // As in IPython, `{expression}` in the arguments is Python's value (e.g. a papermill parameter).
      const expanded = /[{}]/.test(invocation.args) ? await this.python.expandMagicArgs(invocation.args) : { text: invocation.args };
      if ('error' in expanded) return expanded.error;
      try {
        outcome = await magic.run({ ...invocation, args: expanded.text }, context);
      } finally {
        this.giveResultsToPython();
      }
      if (outcome.status === 'error') return outcome;
    }
    if (plan.python.trim() === '') return outcome;
    return this.python.execute(plan.python, `Cell In[${context.executionCount}]`, context.sink, context.signal);
  }
}
