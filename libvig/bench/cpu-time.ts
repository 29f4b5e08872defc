// The benchmarks' clock: this process's CPU time, best of many short measurements. On a machine shared with
// other processes, time spent preempted is then left out, and other processes only ever make a measurement slower.

/** The least CPU time in ns per call of `repetitions` runs of `measure`, each making `calls` calls. */
export function bestCpuNsPerCall(measure: () => void, calls: number, repetitions: number): number {
  let bestNs = Infinity;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const started = process.cpuUsage();
    measure();
    const spent = process.cpuUsage(started);
    bestNs = Math.min(bestNs, ((spent.user + spent.system) * 1e3) / calls);
  }
  return bestNs;
}
