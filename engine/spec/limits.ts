// The spec interpreter's limits: Python time per run of a spec (one spec path: a watchdog thread raises
// KeyboardInterrupt in Python through Pyodide's interrupt buffer once the run's time is spent) and the interpreter's
// memory (its heap may not grow past a cap, so an allocation beyond it is a MemoryError in the spec).
import { Worker } from 'node:worker_threads';

export interface SpecLimits {
  /** Python time one run of a spec (one spec path) may take, in seconds; the engine's own work, Z3's included,
   * does not count, so a property with many paths is not cut short. */
  seconds: number;
  /** How far the interpreter's heap may grow beyond what it holds after start-up, in MiB. */
  mebibytes: number;
}

/** The defaults, or VIGOR_SPEC_SECONDS and VIGOR_SPEC_MIB from the environment (tests use small ones). */
export function specLimits(environment: NodeJS.ProcessEnv = process.env): SpecLimits {
  return { seconds: positive(environment, 'VIGOR_SPEC_SECONDS', 10), mebibytes: positive(environment, 'VIGOR_SPEC_MIB', 256) };
}

function positive(environment: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = environment[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be a positive number (it is ${JSON.stringify(text)}): set it to a number or unset it for the default, ${fallback}`);
  return value;
}

/** Shared with the watchdog: [0] the interrupt flag Pyodide polls, [2..3] as a float: the deadline (epoch ms). */
const FLAG = 0;
const SIGINT = 2;

/**
 * Counts the Python time of one run: `enter` when Python starts or resumes, `leave` when it returns or calls the
 * engine. While Python runs past the run's budget, the watchdog sets the interrupt flag.
 */
export class SpecClock {
  readonly interrupt: Int32Array;
  private readonly deadline: Float64Array;
  private readonly watchdog: Worker;
  private remaining = 0;
  private enteredAt = 0;

  /** The run's time is up and Python is handling it: no further interrupt in this run. */
  private disarmed = false;

  constructor(readonly limits: SpecLimits) {
    const shared = new SharedArrayBuffer(16);
    this.interrupt = new Int32Array(shared, 0, 1);
    this.deadline = new Float64Array(shared, 8, 1);
    this.deadline[0] = Infinity;
    // Plain JavaScript: a thread that only reads the clock; it polls, as Pyodide polls the flag.
    this.watchdog = new Worker(WATCHDOG, { eval: true, workerData: shared });
    this.watchdog.unref();
  }

  /** A new run: its whole budget, no interrupt left over from the last one, and the clock running. */
  start(): void {
    this.remaining = this.limits.seconds * 1000;
    Atomics.store(this.interrupt, FLAG, 0);
    this.disarmed = false;
    this.enter();
  }

  enter(): void {
    if (this.disarmed) return;
    this.enteredAt = Date.now();
    this.deadline[0] = this.enteredAt + this.remaining;
  }

  leave(): void {
    if (this.disarmed) return;
    this.deadline[0] = Infinity;
    this.remaining -= Date.now() - this.enteredAt;
  }

  /**
   * Python caught the interrupt (the prelude's handler says so first thing): no further one in this run. The
   * watchdog interrupts again every 20 ms until then, since an interrupt that lands in code that drops it (C code
   * that checks for signals and ignores the error) must not let the run go on; after it, a second one would land
   * in the handler and escape it.
   */
  disarm(): void {
    this.disarmed = true;
    this.deadline[0] = Infinity;
    Atomics.store(this.interrupt, FLAG, 0);
  }

  stop(): Promise<number> {
    return this.watchdog.terminate();
  }
}

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData, 0, 1);
const deadline = new Float64Array(workerData, 8, 1);
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(pause, 0, 0, 20);
  if (Date.now() > deadline[0]) Atomics.store(flag, ${FLAG}, ${SIGINT});
}`;
