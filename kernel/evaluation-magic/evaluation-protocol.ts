// Messages between `%evaluate` (evaluation-magics.ts) and its worker thread (evaluation-worker.ts): one NF with one
// layer selection, or one seeded bug, per request; progress lines in words; answers are plain data.
import type { Layers, SeededBug } from '../../evaluation/index.ts';

export type EvaluationRequestBody = { kind: 'verify'; nfDir: string; layers: Layers } | { kind: 'bug'; nfDir: string; bug: SeededBug };

export type EvaluationRequest = EvaluationRequestBody & { id: number };
