// A pool worker with faults injected (tests/engine/pool.test.ts): the real pool-worker.ts, whose session's check
// throws for a property named checker_crash (as a Z3 trap would) and kills the worker thread for one named
// worker_dies (as a fatal interpreter error would). Every other property is checked as usual.
import { basename } from 'node:path';
import { VerificationSession } from '../../engine/session/session.ts';

const checkFile = VerificationSession.prototype.checkFile;
VerificationSession.prototype.checkFile = function (path, watch) {
  const name = basename(path, '.py');
  if (name === 'checker_crash') throw new WebAssembly.RuntimeError('memory access out of bounds (injected)');
  if (name === 'worker_dies') {
    return new Promise(() => setImmediate(() => {
      throw new Error('fatal error of the interpreter (injected)');
    }));
  }
  return checkFile.call(this, path, watch);
};

await import('../../engine/pool/pool-worker.ts');
