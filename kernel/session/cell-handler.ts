// What the Jupyter protocol server asks of the kernel's cell handler (kernel-session.ts implements it), so that
// the protocol layer depends on this contract, not on the session that assembles every feature.
import type { Completion } from './assistance.ts';
import type { HistoryQuery, HistoryRow } from './history.ts';
import type { CellError, MimeBundle, OutputSink } from './output.ts';

export interface ExecuteOptions {
  /** Silent: no output at all, no history, execution count unchanged (protocol semantics). */
  silent: boolean;
  storeHistory: boolean;
  /** Called with the cell's execution count before it runs (the server publishes execute_input then). */
  onStart?(executionCount: number): void;
}

export type ExecuteSummary =
  | { status: 'ok'; executionCount: number }
  | { status: 'error'; executionCount: number; error: CellError };

export interface IsCompleteAnswer {
  status: 'complete' | 'incomplete' | 'invalid' | 'unknown';
  indent?: string;
}

/** An execute request's user_expressions, answered as the messaging protocol shapes them (ipykernel's). */
export type UserExpressionValues = Record<
  string,
  { status: 'ok'; data: MimeBundle; metadata: Record<string, unknown> } | { status: 'error'; ename: string; evalue: string; traceback: string[] }
>;

export interface CellHandler {
  execute(code: string, sink: OutputSink, options: ExecuteOptions): Promise<ExecuteSummary>;
  interrupt(): void;
  /** Positions here index `code` as a JavaScript string; the protocol's code points are converted by its server. */
  complete(code: string, cursorPos: number): Promise<Completion>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<MimeBundle | undefined>;
  isComplete(code: string): Promise<IsCompleteAnswer>;
  /** Python expressions (by name) evaluated in the user's namespace, after a cell that succeeded. */
  userExpressions(expressions: Record<string, string>): Promise<UserExpressionValues>;
  historyQuery(query: HistoryQuery, withOutput: boolean): HistoryRow[];
}
