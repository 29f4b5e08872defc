// Collects a cell's output as nbformat outputs, applying what a front end would: streams merge,
// clear_output empties the cell, update_display_data replaces earlier outputs with that display id.
import type { CellError, DisplayItem, MimeBundle, OutputSink, StreamName } from '../session/output.ts';
import type { NotebookOutput } from './notebook-format.ts';

export class NotebookSink implements OutputSink {
  outputs: NotebookOutput[] = [];
  private clearPending = false;

  /** Outputs shown with a display id anywhere in the notebook so far, so updates reach earlier cells too. */
  constructor(private readonly displays: Map<string, NotebookOutput[]>) {}

  stream(name: StreamName, text: string): void {
    this.applyPendingClear();
    const last = this.outputs.at(-1);
    if (last?.output_type === 'stream' && last.name === name) last.text += text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }

  displayData(item: DisplayItem): void {
    const output: NotebookOutput = { output_type: 'display_data', data: item.data, metadata: item.metadata };
    this.add(output);
    if (item.displayId) this.displays.set(item.displayId, [...(this.displays.get(item.displayId) ?? []), output]);
  }

  updateDisplayData(item: DisplayItem & { displayId: string }): void {
    for (const output of this.displays.get(item.displayId) ?? []) {
      if (output.output_type !== 'display_data') continue;
      output.data = item.data;
      output.metadata = item.metadata;
    }
  }

  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void {
    this.add({ output_type: 'execute_result', execution_count: executionCount, data, metadata });
  }

  error(error: CellError): void {
    this.add({ output_type: 'error', ...error });
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.outputs = [];
  }

  private add(output: NotebookOutput): void {
    this.applyPendingClear();
    this.outputs.push(output);
  }

  private applyPendingClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.outputs = [];
  }
}
