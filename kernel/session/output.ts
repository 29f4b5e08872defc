// What a cell can produce, independent of how it is delivered (IOPub messages in a live kernel, .ipynb outputs in `vigor run`).

/** MIME type -> representation; `text/plain` is always present in what the kernel publishes. */
export type MimeBundle = Record<string, unknown>;

export interface DisplayItem {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Set when the display may be replaced later through update_display_data (e.g. progress). */
  displayId?: string;
}

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type StreamName = 'stdout' | 'stderr';

export interface OutputSink {
  stream(name: StreamName, text: string): void;
  displayData(item: DisplayItem): void;
  updateDisplayData(item: DisplayItem & { displayId: string }): void;
  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void;
  error(error: CellError): void;
  clearOutput(wait: boolean): void;
  /**
   * What the user types at `prompt` (`password`: not echoed), where the front end can be asked (a Jupyter client
   * that allows stdin); absent where it cannot, and reading the keyboard fails saying so.
   */
  readInput?(prompt: string, password: boolean): Promise<string>;
}

/** How one cell (or one part of a cell) ended; the session turns `result` into execute_result and `error` into an error output. */
export type CellOutcome =
  | { status: 'ok'; result?: { data: MimeBundle; metadata: Record<string, unknown> } }
  | { status: 'error'; error: CellError };

export function cellError(ename: string, evalue: string, traceback: string[] = [`${ename}: ${evalue}`]): CellOutcome {
  return { status: 'error', error: { ename, evalue, traceback } };
}
