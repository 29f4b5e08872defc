// The TypeScript baselines: each NF written as idiomatic, unverified TypeScript with JavaScript Maps, what a
// developer would write without Vigor. Same interface and results as nf_process (nfs/README.md), in place on
// the frame; time is a number of nanoseconds.
export interface TypeScriptNf {
  process(device: number, frame: Uint8Array, now: number): number;
}
