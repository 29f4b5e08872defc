// Worker thread running the run-time's benchmark (the same as `vigor bench`): it is CPU-bound for seconds, so it
// runs here and the kernel's main thread keeps serving the protocol. The run-time reports progress between
// repetitions; that is where an interrupt stops it.
import { benchmarkNf, type NfBenchmark } from '../../runtime/index.ts';
import { INTERRUPTED } from '../workers/interruptible-worker.ts';
import { serveRequests } from '../workers/serve-requests.ts';
import type { BenchRequest } from './bench-protocol.ts';

class BenchmarkInterrupted extends Error {
  override name = INTERRUPTED;
}

serveRequests<BenchRequest, NfBenchmark, string>((request, context) =>
  benchmarkNf(request.nfDir, request.options, (line) => {
    if (context.shouldStop()) throw new BenchmarkInterrupted('benchmark interrupted');
    context.progress(line);
  }),
);
