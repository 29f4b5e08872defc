// What a timed segment must not pay for, settled before it starts, as benchmark harnesses do.
// - A full garbage collection: one that earlier passes made due (their large buffers count as external memory)
//   can land inside a segment of a few milliseconds and multiply its time. `--expose-gc` given at run time
//   exposes `gc` to new contexts only; the context is made at the first benchmark, not when the kernel starts.
// - A write to every page of the output: after any fork (the native baseline's spawn) each page of the process
//   is copy-on-write, and the first write to each faults; over 64-byte packets that tripled the .wasm's time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function settleBeforeTiming(output: Uint8Array): void {
  output.fill(0);
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
