// An OutputSink that keeps what a cell published, for assertions; `onUpdate` sees progress as it happens.
import type { CellError, DisplayItem, MimeBundle, OutputSink, StreamName } from '../../kernel/session/output.ts';

export class RecordingSink implements OutputSink {
  readonly displays: DisplayItem[] = [];
  readonly updates: DisplayItem[] = [];
  readonly results: MimeBundle[] = [];
  readonly errors: CellError[] = [];
  readonly streams: { name: StreamName; text: string }[] = [];
  onUpdate: ((item: DisplayItem) => void) | undefined;
  stream(name: StreamName, text: string) {
    this.streams.push({ name, text });
  }
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
