// Runs a trace through a TypeScript baseline NF, through the same bursts as the other implementations
// (bursts.ts): per packet, the frame reaches the NF as a Uint8Array view of the staged burst (a view per packet,
// as any JavaScript packet API hands out) and its result is written back into the record.
import type { TypeScriptNf } from './baselines/index.ts';
import { prepareBurstPasses, STAGING_BYTES } from './bursts.ts';
import type { Pass } from './pass.ts';
import { FIELD_DEVICE, FIELD_FLAGS, FIELD_LATENCY, FIELD_LENGTH, FIELD_TIME, FLAG_PROBE, RECORD_HEADER, recordSize, type PacketTrace } from './trace.ts';

/** The staging area and its views by field width. */
class StagingArea {
  readonly buffer = new ArrayBuffer(STAGING_BYTES);
  readonly bytes = new Uint8Array(this.buffer);
  readonly halves = new Uint16Array(this.buffer);
  readonly words = new Int32Array(this.buffer);
  readonly unsignedWords = new Uint32Array(this.buffer);
  readonly floats = new Float64Array(this.buffer);
}

/** Processes the `count` records staged in `area`; times are numbers of ns (exact below 2^53). */
function processStaged(nf: TypeScriptNf, area: StagingArea, count: number, timeProbes: boolean): void {
  const { bytes, halves, words, unsignedWords, floats } = area;
  let at = 0;
  for (let packet = 0; packet < count; packet++) {
    const length = halves[(at + FIELD_LENGTH) >> 1]!;
    const device = words[(at + FIELD_DEVICE) >> 2]!;
    const now = words[(at + FIELD_TIME + 4) >> 2]! * 2 ** 32 + unsignedWords[(at + FIELD_TIME) >> 2]!;
    const frame = bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length);
    if (timeProbes && (halves[(at + FIELD_FLAGS) >> 1]! & FLAG_PROBE) !== 0) {
      const started = performance.now();
      words[(at + FIELD_DEVICE) >> 2] = nf.process(device, frame, now);
      floats[(at + FIELD_LATENCY) >> 3] = (performance.now() - started) * 1e6;
    } else {
      words[(at + FIELD_DEVICE) >> 2] = nf.process(device, frame, now);
    }
    at += recordSize(length);
  }
}

/** Passes over `trace`, each on a fresh NF from `create`; the processed records of a pass live until the next. */
export function prepareTypeScriptPasses(create: () => TypeScriptNf, trace: PacketTrace): Pass {
  const area = new StagingArea();
  return prepareBurstPasses(trace, () => {
    const nf = create();
    return { staging: () => area.bytes, processStaged: (packets, timeProbes) => processStaged(nf, area, packets, timeProbes) };
  });
}
