// Worker thread hosting the verifier. The engine is synchronous between its polls of `shouldStop`, so it runs here
// and the kernel's main thread stays free to serve the protocol; an interrupt is a flag in shared memory.
import { formatResultTable, type PropertyResult, readSpecFile, Solver, specPython, VerificationSession, type Watch } from '../../engine/index.ts';
import { serveRequests, type RequestContext } from '../workers/serve-requests.ts';
import type { EngineRequest, Layers, NfSummary, ProgressUpdate, PropertyInput, VerifyAnswer } from './engine-protocol.ts';
import { nfSummary, propertyReport, violationCount } from './report-data.ts';

/** Progress is reported at every exploration step; the kernel needs a few updates a second at most. */
const PROGRESS_INTERVAL_MS = 100;

/** Sessions by NF folder and layers: properties checked in one stay importable from later ones. */
const sessions = new Map<string, VerificationSession>();

type Context = RequestContext<ProgressUpdate>;

function watch(context: Context, property?: ProgressUpdate['property']): Watch {
  let lastPosted = 0;
  return {
    shouldStop: context.shouldStop,
    progress: (update) => {
      const now = performance.now();
      const finished = update.total !== undefined && update.done >= update.total;
      if (now - lastPosted < PROGRESS_INTERVAL_MS && !finished) return;
      lastPosted = now;
      context.progress({ ...update, ...(property ? { property } : {}) });
    },
  };
}

async function open(context: Context, nfDir: string, layers: Layers): Promise<VerificationSession> {
  const session = await VerificationSession.open(nfDir, { layers, ...watch(context) });
  sessions.set(`${layers}:${nfDir}`, session);
  return session;
}

async function verify(context: Context, nfDir: string, layers: Layers, properties: PropertyInput[]): Promise<VerifyAnswer> {
  // After a worker restart (an interrupt it did not honour in time) the session is re-opened here.
  const session = sessions.get(`${layers}:${nfDir}`) ?? (await open(context, nfDir, layers));
  const results: PropertyResult[] = [];
  for (const [index, property] of properties.entries()) {
    const progress = watch(context, { name: property.name, index, count: properties.length });
    const result =
      'path' in property
        ? await session.check(property.name, readSpecFile(property.path), property.path, progress)
        : await session.check(property.name, property.text, property.file, progress);
    results.push(result);
  }
  const table = formatResultTable(session.build.manifest.name, session.exploration.figures.traces, violationCount(session), results);
  return { reports: results.map((result) => propertyReport(session, result)), table };
}

serveRequests<EngineRequest, NfSummary | VerifyAnswer | null, ProgressUpdate>(async (request, context) => {
  if (request.kind === 'prepare') {
    await Promise.all([Solver.create(), specPython()]);
    return null;
  }
  if (request.kind === 'open') return nfSummary(await open(context, request.nfDir, request.layers), request.layers);
  return verify(context, request.nfDir, request.layers, request.properties);
});
