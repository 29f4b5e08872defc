// The names of the fresh values the stack's models make on a path, numbered by how many were made before: the models make them, a replay reads a counterexample's model by them.
//
// A leaf with no imports, so that the replay (engine/session/stack-replay-*.ts) reads the same names without the models.

export type Direction = 'rx' | 'tx';
/** What a received frame's descriptor and buffer hold (stack-models/device-state.ts: fillReceived). */
export type ReceivedField = 'length' | 'stamp' | 'error' | 'frame';

export const modelNames = {
  /** The clock as the stack read it (device now()). */
  now: (n: number) => `now#${n}`,
  /** How many descriptors device `d` finished when its HEAD was read, and whether it set the next DONE bit early. */
  finished: (d: number, direction: Direction, n: number) => `device${d}.${direction}_finished#${n}`,
  doneEarly: (d: number, direction: Direction, n: number) => `device${d}.${direction}_done_early#${n}`,
  /** Whether the driver's contract gives device `d` a next frame. */
  rxNext: (d: number, n: number) => `device${d}.rx_next#${n}`,
  /** A field of the frame device `d` received in RX descriptor `i` (`frame`: its bytes, an array). */
  received: (d: number, i: number, field: ReceivedField, n: number) => `device${d}.rx[${i}].${field}#${n}`,
  /** nf_process's result and the frame it left, as the NF layer's contract chose them. */
  nfOutput: (n: number) => `nf_output#${n}`,
  nfFrame: (n: number) => `nf_frame#${n}`,
};

/** The received frame a `received(...)` name is of, and its field and number; null for any other name. */
export function receivedOf(name: string): { d: number; i: number; field: ReceivedField; n: number } | null {
  const match = /^device(\d+)\.rx\[(\d+)\]\.(length|stamp|error|frame)#(\d+)$/.exec(name);
  return match ? { d: Number(match[1]), i: Number(match[2]), field: match[3] as ReceivedField, n: Number(match[4]) } : null;
}
