// A kernel session for tests that drive cells directly (no ZeroMQ): one per test file, closed after it.
import { after, before } from 'node:test';
import { KernelSession } from '../../kernel/kernel-session.ts';
import type { ExecuteSummary } from '../../kernel/session/cell-handler.ts';
import type { MimeBundle } from '../../kernel/session/output.ts';
import { RecordingSink } from './recording-sink.ts';

export interface TestSession {
  /** Executes a cell, its output going to `sink`. */
  run(code: string, sink?: RecordingSink): Promise<{ summary: ExecuteSummary; sink: RecordingSink }>;
  /** The session itself (interrupt, complete, inspect). */
  readonly session: KernelSession;
}

export function kernelSession(): TestSession {
  let session: KernelSession;
  before(() => {
    session = new KernelSession({ workingDirectory: process.cwd() });
  });
  after(() => session.close());
  return {
    run: async (code, sink = new RecordingSink()) => ({ summary: await session.execute(code, sink, { silent: false, storeHistory: true }), sink }),
    get session() {
      return session;
    },
  };
}

export const text = (bundle: MimeBundle | undefined) => String(bundle?.['text/plain'] ?? '');
