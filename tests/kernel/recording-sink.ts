// An OutputSink that keeps what a cell published, for assertions; `onUpdate` sees progress as it happens.
import type { CellError, DisplayItem, MimeBundle, OutputSink } from '../../kernel/session/output.ts';

export class RecordingSink implements OutputSink {
  readonly displays: DisplayItem[] = [];
  readonly updates: DisplayItem[] = [];
  readonly results: MimeBundle[] = [];
  readonly errors: CellError[] = [];
  onUpdate: ((item: DisplayItem) => void) | undefined;
  stream() {}
  displayData(item: DisplayItem) {
    this.displays.push(item);
  }
  updateDisplayData(item: DisplayItem & { displayId: string }) {
    this.updates.push(item);
    this.onUpdate?.(item);
  }
  executeResult(_count: number, data: MimeBundle) {
    this.results.push(data);
  }
  error(error: CellError) {
    this.errors.push(error);
  }
  clearOutput() {}
}
