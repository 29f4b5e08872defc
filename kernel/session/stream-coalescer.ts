// Python writes stdout in many small pieces; merging consecutive pieces of one stream keeps the number of
// IOPub messages (and notebook output entries) small without reordering anything.
import type { DisplayItem, MimeBundle, OutputSink, StreamName, CellError } from './output.ts';

const FLUSH_DELAY_MS = 50;

export class StreamCoalescer implements OutputSink {
  private pending: { name: StreamName; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;

  readonly readInput?: (prompt: string, password: boolean) => Promise<string>;

  constructor(private readonly target: OutputSink) {
    // Only where the target can ask: its absence is what tells Python the keyboard cannot be read.
    if (target.readInput) {
      this.readInput = (prompt, password) => {
        this.flush();
        return target.readInput!(prompt, password);
      };
    }
  }

  stream(name: StreamName, text: string): void {
    if (this.pending && this.pending.name !== name) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text };
    this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.target.stream(pending.name, pending.text);
  }

  displayData(item: DisplayItem): void {
    this.flush();
    this.target.displayData(item);
  }

  updateDisplayData(item: DisplayItem & { displayId: string }): void {
    this.flush();
    this.target.updateDisplayData(item);
  }

  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void {
    this.flush();
    this.target.executeResult(executionCount, data, metadata);
  }

  error(error: CellError): void {
    this.flush();
    this.target.error(error);
  }

  clearOutput(wait: boolean): void {
    this.flush();
    this.target.clearOutput(wait);
  }
}
