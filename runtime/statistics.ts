// Summaries of repeated measurements.

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The value below which `fraction` of the sorted samples lie (nearest rank). */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? NaN, median: percentile(sorted, 0.5), max: sorted.at(-1) ?? NaN };
}

export interface LatencySummary {
  median: number;
  p99: number;
  max: number;
}

/** The latency at each percent 0, 1, ..., 100 of the samples (nearest rank): a distribution small enough to keep. */
export function latencyPercentiles(latencies: Float64Array): number[] {
  const sorted = Float64Array.from(latencies).sort();
  return Array.from({ length: 101 }, (_, percent) => percentile(sorted, percent / 100));
}

export function summariseLatencies(latencies: Float64Array): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  return { median: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}
