// One worker of the verification pool: opens a session on the NF (its own exploration, solver and Python: the
// same binary explores to the same traces) and checks the properties it is sent, one at a time. A property whose
// check throws gets an ERROR verdict; the pool then replaces this worker, whose Z3 or Python may be left broken.
import { parentPort, workerData } from 'node:worker_threads';
import { formatPropertyError, formatPropertyResult, propertyRow } from '../render/property.ts';
import { formatViolation } from '../render/violation.ts';
import { type PoolReply, type PoolRequest, propertyName } from './pool-protocol.ts';
import { VerificationSession } from '../session/session.ts';
import type { Layers } from '../stack/layers.ts';

const port = parentPort!;
const reply = (message: PoolReply) => port.postMessage(message);

try {
  const session = await VerificationSession.open(workerData.nfDir as string, { layers: workerData.layers as Layers });
  const violations = session.violations().map(({ violation, replay }) => formatViolation(session.exploration, violation, replay).join('\n'));
  const { traces, seconds: explorationSeconds } = session.exploration.figures;
  reply({ kind: 'ready', nf: session.build.manifest.name, traces, explorationSeconds, violations });
  port.on('message', async ({ file }: PoolRequest) => {
    try {
      const result = await session.checkFile(file);
      reply({ kind: 'result', file, summary: { ...propertyRow(result), report: formatPropertyResult(session.exploration, result) } });
    } catch (e) {
      const name = propertyName(file);
      const message = e instanceof Error ? e.message : String(e);
      reply({ kind: 'result', file, summary: { name, verdict: 'error', message, report: formatPropertyError(name, message) } });
    }
  });
} catch (e) {
  reply({ kind: 'failed', message: (e as Error).message });
}
