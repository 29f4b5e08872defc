// One worker of the verification pool: opens a session on the NF (its own exploration, solver and Python: the
// same binary explores to the same traces) and checks the properties it is sent, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { formatPropertyResult } from '../render/property.ts';
import { formatViolation } from '../render/exploration.ts';
import type { PoolReply, PoolRequest } from './pool-protocol.ts';
import { VerificationSession } from '../session/session.ts';

const port = parentPort!;
const reply = (message: PoolReply) => port.postMessage(message);

try {
  const session = await VerificationSession.open(workerData.nfDir as string);
  const violations = session.violations().map(({ violation, replay }) =>
    [...formatViolation(violation), `    replay on the run-time NF: ${replay.reproduced ? 'reproduced' : 'NOT reproduced'}, ${replay.observed}`].join('\n'));
  reply({ kind: 'ready', nf: session.build.manifest.name, traces: session.exploration.figures.traces, violations });
  port.on('message', async (request: PoolRequest) => {
    try {
      const result = await session.checkFile(request.file);
      const figures = result.verdict === 'invalid'
        ? { name: result.name, verdict: result.verdict }
        : { name: result.name, verdict: result.verdict, traces: result.traces, specPaths: result.specPaths, queries: result.queries, seconds: result.seconds, lines: result.lines };
      reply({ kind: 'result', file: request.file, summary: { ...figures, report: formatPropertyResult(session.exploration, result) } });
    } catch (e) {
      reply({ kind: 'failed', message: (e as Error).message });
    }
  });
} catch (e) {
  reply({ kind: 'failed', message: (e as Error).message });
}
