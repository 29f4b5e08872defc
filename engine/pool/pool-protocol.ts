// The messages between the pool and its workers, and the summary of one property that a worker sends back.
import { basename } from 'node:path';
import type { PropertyRow } from '../render/property.ts';

export type PropertySummary = PropertyRow & {
  /** The result as text (formatPropertyResult): the counterexample of a failure, the errors of an invalid spec. */
  report: string;
};

/** A property file's name, as the session names it (the file name without `.py`). */
export const propertyName = (file: string): string => basename(file, '.py');

export type PoolRequest = { file: string };
export type PoolReply =
  | { kind: 'ready'; nf: string; traces: number; explorationSeconds: number; violations: string[] }
  | { kind: 'result'; file: string; summary: PropertySummary }
  | { kind: 'failed'; message: string };
