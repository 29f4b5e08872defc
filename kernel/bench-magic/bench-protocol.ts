// Messages between `%bench` (bench-magics.ts) and the benchmark's worker thread (bench-worker.ts): one NF per
// request; progress is the run-time's own progress lines; the answer is the run-time's NfBenchmark (plain data).
import type { BenchOptions } from '../../runtime/index.ts';

export interface BenchRequest {
  id: number;
  nfDir: string;
  options: BenchOptions;
}

export type BenchRequestBody = Omit<BenchRequest, 'id'>;
