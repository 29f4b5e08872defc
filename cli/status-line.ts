// What a long command is doing, on one line of stderr rewritten in place; nothing at all when stderr is not a
// terminal (logs, CI, tests), whose readers want results, not a stream of carriage returns.
import type { Writable } from 'node:stream';

/** At most this often, in milliseconds: exploration reports every path, far faster than anyone reads. */
const REDRAW_MS = 100;

export class StatusLine {
  private shownAt = 0;
  private shown = false;

  constructor(private readonly stream: Writable & { isTTY?: boolean } = process.stderr) {}

  /** Shows `text` (replacing the line); `urgent` shows it even right after the previous one (a new phase). */
  show(text: string, urgent = true): void {
    if (this.stream.isTTY !== true) return;
    const now = performance.now();
    if (!urgent && now - this.shownAt < REDRAW_MS) return;
    this.shownAt = now;
    this.shown = true;
    this.stream.write(`\r\x1b[2K${text} …`);
  }

  /** Clears the line, so that what is printed next starts on a clean one. */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stream.write('\r\x1b[2K');
  }
}
