// A progress line for long work (verification, benchmarks): one display, replaced in place through
// update_display_data, and a closing line when the work ends.
import { randomUUID } from 'node:crypto';
import { escapeHtml } from '../notebook/html-export.ts';
import type { OutputSink } from '../session/output.ts';

/** Front ends redraw on every update; a few per second is enough to look alive. */
const UPDATE_INTERVAL_MS = 250;

export class ProgressDisplay {
  private readonly displayId = `vigor-progress-${randomUUID()}`;
  private lastShown = 0;
  private readonly started = performance.now();

  constructor(private readonly sink: OutputSink, private readonly title: string) {
    sink.displayData({ data: bundle(`${title}: starting`, 0, undefined), metadata: {}, displayId: this.displayId });
  }

  /** Shows `title: what` unless an update was shown very recently; without a total, the bar is indeterminate. */
  report(what: string, done: number, total: number | undefined): void {
    const now = performance.now();
    if (now - this.lastShown < UPDATE_INTERVAL_MS) return;
    this.lastShown = now;
    this.show(`${this.title}: ${what}`, done, total);
  }

  /** Replaces the progress line with how the work ended. */
  finish(outcome: string): void {
    this.show(`${this.title}: ${outcome} (${((performance.now() - this.started) / 1000).toFixed(1)} s)`, 1, 1);
  }

  private show(text: string, done: number, total: number | undefined): void {
    this.sink.updateDisplayData({ data: bundle(text, done, total), metadata: {}, displayId: this.displayId });
  }
}

function bundle(text: string, done: number, total: number | undefined): Record<string, string> {
  // Without a total (exploration), an indeterminate bar.
  const bar = total === undefined ? '<progress></progress>' : `<progress value="${done}" max="${Math.max(total, 1)}"></progress>`;
  return { 'text/plain': text, 'text/html': `<div class="vigor-progress">${bar} <span>${escapeHtml(text)}</span></div>` };
}
