// Errors no cell asked for (a %%ts timer that throws after its cell returned, a promise nobody awaited): shown on
// the cell that is running when they happen, or else at the start of the next cell, where the user looks.
import type { OutputSink } from './output.ts';

/** Reports waiting for the next cell beyond this many are counted, not kept (a timer that throws every millisecond). */
const KEPT = 20;

export class BackgroundErrors {
  private sink: OutputSink | undefined;
  private readonly waiting: string[] = [];
  private dropped = 0;

  /** `text` on stderr of the running cell, or of the next one. */
  report(text: string): void {
    if (this.sink) this.sink.stream('stderr', text);
    else if (this.waiting.length < KEPT) this.waiting.push(text);
    else this.dropped++;
  }

  /** A cell starts: reports go to its output until `detach`, those waiting first. */
  attach(sink: OutputSink): void {
    this.sink = sink;
    for (const text of this.waiting.splice(0)) sink.stream('stderr', text);
    if (this.dropped > 0) sink.stream('stderr', `(and ${this.dropped} more such errors)\n`);
    this.dropped = 0;
  }

  detach(): void {
    this.sink = undefined;
  }
}
