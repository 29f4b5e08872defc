// The replay worker thread: runs counterexamples on the run-time NF (the .wasm in V8 with libVig's run-time), one
// request at a time, so that the session can stop a run that does not end (a hang) by terminating the thread.
// Requests come on a MessagePort; the answer goes back on it and the shared status cell says when it is there
// (the session waits with Atomics.wait, its own thread blocked).
import { type MessagePort, workerData } from 'node:worker_threads';
import { loadNf, type LoadedNf } from '../../libvig/index.ts';
import { KIND, name, SECTION, section, u32 } from '../../toolchain/wasm-encoding.ts';
import type { ReplayAnswer, ReplayOutcome, ReplayRequest } from './replay-protocol.ts';
import { STATUS } from './replay-protocol.ts';
import { readState, seedState } from './replay-seed.ts';
import type { StackRunOutcome, StackRunRequest } from './stack-replay-run.ts';
import { type IdlePollRequest, runIdlePoll } from './idle-poll.ts';
import { instrumentedModule, memoryHooks, outsideRegions } from './instrumented-build.ts';
import { MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';

const { port, status } = workerData as { port: MessagePort; status: Int32Array };

let changes = 0;
const setStatus = (state: number) => {
  changes = (changes + 1) & 0xffffff;
  Atomics.store(status, 0, changes * STATUS.step + state);
  Atomics.notify(status, 0);
};

/** Compiled binaries, by hash and the globals their copy exports. */
const modules = new Map<string, WebAssembly.Module>();

const globalExport = (index: number) => `vigor_replay_global_${index}`;

/**
 * A copy of the binary whose export section also exports the given globals: JavaScript cannot read a global
 * the module does not export. Only the export section changes; the code run is the verified code.
 */
function exportingGlobals(wasm: Uint8Array, indices: readonly number[]): Uint8Array {
  const readU32 = (at: number): [value: number, bytes: number] => {
    let value = 0;
    for (let i = 0; ; i++) {
      const byte = wasm[at + i]!;
      value |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return [value >>> 0, i + 1];
    }
  };
  for (let at = 8; at < wasm.length;) {
    const [size, sizeBytes] = readU32(at + 1);
    const start = at + 1 + sizeBytes;
    if (wasm[at] === SECTION.export) {
      const [count, countBytes] = readU32(start);
      const added = indices.flatMap((index) => [...name(globalExport(index)), KIND.global, ...u32(index)]);
      const content = [...u32(count + indices.length), ...wasm.subarray(start + countBytes, start + size), ...added];
      return Uint8Array.from([...wasm.subarray(0, at), ...section(SECTION.export, content), ...wasm.subarray(start + size)]);
    }
    at = start + size;
  }
  throw new Error('the NF exports nothing (it must export nf_init, nf_process and memory)');
}

/** The module a replay runs: the build, or a copy exporting globals it reads, or (`checkRegions`) one reporting every access. */
async function moduleFor(request: ReplayRequest, globals: readonly number[]): Promise<WebAssembly.Module> {
  if (request.checkRegions) {
    if (globals.length > 0) throw new Error('a replay that checks regions reads no global');
    return instrumentedModule(request.nf);
  }
  const key = `${request.nf.hash}/${globals.join(',')}`;
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(globals.length > 0 ? exportingGlobals(request.nf.wasm, globals) : request.nf.wasm);
    modules.set(key, module);
  }
  return module;
}

// V8's stack overflow is how unbounded recursion ends in the run-time.
const stopped = (e: unknown): ReplayOutcome => ({ kind: 'stopped', message: (e as Error).message, stackOverflow: /Maximum call stack size exceeded/.test((e as Error).message) });

/**
 * The regions an access of nf_process must lie in, as the verifier has them (engine/nf's layout: the frame, the
 * NF's memory from MEMORY_BASE), for a replay that checks them: here the frame lies at the end of memory, after the
 * NF's own, and an access past it traps in V8 itself. Only nf_process is watched (nf_init may use all memory), and
 * not after it grows memory.
 */
class Regions {
  watching = false;
  private nfEnd = 0;
  private frame = 0;

  around(nfEnd: number, frame: number): void {
    this.nfEnd = nfEnd;
    this.frame = frame;
  }

  access(address: number, bytes: number, write: boolean): void {
    const inside = address >= this.frame || (address >= PACKET_BASE && address + bytes <= this.nfEnd);
    if (this.watching && !inside) {
      const memory = this.nfEnd > MEMORY_BASE ? `memory ${MEMORY_BASE}..${this.nfEnd - 1}` : `no memory from ${MEMORY_BASE} on`;
      throw outsideRegions(address, bytes, write, `frame at ${this.frame}, ${memory}`);
    }
  }

  grown(): void {
    this.watching = false;
  }
}

async function replay(request: ReplayRequest): Promise<ReplayAnswer> {
  const globals = request.reads.flatMap((read) => (read.kind === 'global' ? [read.index] : []));
  const module = await moduleFor(request, globals);
  const regions = new Regions();
  let nf: LoadedNf;
  setStatus(STATUS.runningNf);
  try {
    nf = loadNf({ wasm: request.nf.wasm, manifest: request.nf.manifest, module }, request.checkRegions ? { env: memoryHooks(regions) } : {});
  } catch (e) {
    return { outcome: stopped(e), before: [], after: [] };
  } finally {
    setStatus(STATUS.preparing);
  }
  const readAll = () => request.reads.map((read) => readState(nf.libvig ?? null, nf.memory, read, (index) => {
    const value = (nf.instance.exports[globalExport(index)] as WebAssembly.Global).value as number | bigint;
    return BigInt(value);
  }));
  const { input } = request;
  if (!input) return { outcome: { kind: 'initialised' }, before: [], after: readAll() };
  try {
    if (nf.libvig) seedState(nf.libvig, nf.memory, request.seeds, input.now);
  } catch (e) {
    return { outcome: { kind: 'not-run', message: `the run-time state could not be seeded from the counterexample: ${(e as Error).message}` }, before: [], after: [] };
  }
  const nfEnd = nf.memory.buffer.byteLength;
  const at = nf.frameAtEnd(input.packet.length);
  regions.around(nfEnd, at);
  const before = readAll();
  let outcome: ReplayOutcome;
  setStatus(STATUS.runningNf);
  try {
    regions.watching = request.checkRegions;
    const { output, frame } = nf.process(input.device, input.packet, input.now, at);
    outcome = { kind: 'returned', output, frame };
  } catch (e) {
    outcome = stopped(e);
  } finally {
    regions.watching = false;
    setStatus(STATUS.preparing);
  }
  return { outcome, before, after: readAll() };
}

port.on('message', async (request: ReplayRequest | StackRunRequest | IdlePollRequest) => {
  if ('kind' in request && request.kind === 'idle-poll') {
    setStatus(STATUS.runningNf);
    const outcome = runIdlePoll(request);
    port.postMessage(outcome);
    setStatus(STATUS.answered);
    return;
  }
  if ('kind' in request) {
    let outcome: StackRunOutcome;
    try {
      // Loaded on the first stack replay: NF replays need none of it.
      const { runStackReplay } = await import('./stack-replay-run.ts');
      outcome = await runStackReplay(request, (running) => setStatus(running ? STATUS.runningNf : STATUS.preparing));
    } catch (e) {
      outcome = { kind: 'not-run', message: `the replay itself failed: ${(e as Error).message}` };
    }
    port.postMessage(outcome);
    setStatus(STATUS.answered);
    return;
  }
  let answer: ReplayAnswer;
  try {
    answer = await replay(request);
  } catch (e) {
    answer = { outcome: { kind: 'not-run', message: `the replay itself failed: ${(e as Error).message}` }, before: [], after: [] };
  }
  port.postMessage(answer);
  setStatus(STATUS.answered);
});
setStatus(STATUS.answered);
