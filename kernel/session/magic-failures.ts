// How a magic's failure becomes the cell's error: a usage mistake says what to write, an error reported by a
// worker (the verifier, the benchmarks) keeps its class name and gets a hint, an interrupt is KeyboardInterrupt.
import { WorkerFailure } from '../workers/interruptible-worker.ts';
import { cellError, type CellOutcome } from './output.ts';

/** A magic used the wrong way; the message says what to write instead. */
export class UsageError extends Error {}

/**
 * `hints` says what to do about each error class the worker reports; `otherwise` for any other. An error that is
 * neither a usage mistake nor a worker's is rethrown: it is a bug of the kernel and the session reports it so.
 */
export function magicFailure(error: unknown, hints: Record<string, string>, otherwise: string): CellOutcome {
  if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    return cellError('UsageError', (error as Error).message);
  }
  if (!(error instanceof WorkerFailure)) throw error;
  if (error.interrupted) return cellError('KeyboardInterrupt', error.message);
  return cellError(error.errorName, error.message, [`${error.errorName}: ${error.message}`, `(${hints[error.errorName] ?? otherwise})`]);
}
