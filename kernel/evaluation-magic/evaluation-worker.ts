// Worker thread measuring the paper's tables (evaluation/): exploring and checking every property of an NF, or
// verifying a seeded bug, is CPU-bound for seconds, so it runs here and the kernel keeps serving the protocol.
// An interrupt stops it between properties.
import { measureLayers, runSeededBug } from '../../evaluation/index.ts';
import { INTERRUPTED } from '../workers/interruptible-worker.ts';
import { serveRequests } from '../workers/serve-requests.ts';
import type { EvaluationRequest } from './evaluation-protocol.ts';

class EvaluationInterrupted extends Error {
  override name = INTERRUPTED;
}

serveRequests<EvaluationRequest, unknown, string>((request, context) => {
  if (request.kind === 'bug') return runSeededBug(request.bug, request.nfDir);
  return measureLayers(request.nfDir, request.layers, (line) => {
    if (context.shouldStop()) throw new EvaluationInterrupted('evaluation interrupted');
    context.progress(line);
  });
});
