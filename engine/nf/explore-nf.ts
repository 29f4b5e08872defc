// Exploring an NF: nf_init runs concretely, then every path of nf_process over a symbolic frame, device and time.
import { type Manifest, MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';
import { type NfBuild } from '../../toolchain/build.ts';
import * as T from '../solver/term.ts';
import type { Assignment } from '../solver/term.ts';
import { Solver } from '../solver/z3.ts';
import { decodeModule } from '../wasm/decode.ts';
import { SourceMap } from '../wasm/sourcemap.ts';
import { changedObjects, type LibVigObject, libvigContracts, markFixed, objectsOf, startPacket } from '../contracts/index.ts';
import { DEFAULT_LIMITS, type Exploration, Machine } from '../symbex/explore.ts';
import type { ContractTable } from '../symbex/import-contracts.ts';
import { abortContract, configImports } from './host-contracts.ts';
import { checkWellFormed } from './well-formed.ts';
import { checkCarriedState } from './carried-state.ts';
import { checkOutput } from './output-range.ts';
import type { Limits } from '../symbex/interpreter.ts';
import { PacketBuffer } from '../symbex/memory.ts';
import { EngineError, type Watch } from '../symbex/violations.ts';
import { INPUT, readableWishes } from './input.ts';

export { INPUT } from './input.ts';

export interface ConcreteInput {
  device: number;
  length: number;
  now: bigint;
  /** At least `length` bytes. */
  packet: Uint8Array;
}

export interface NfExploration extends Exploration {
  build: NfBuild;
  /** The libVig objects nf_init allocated, by handle; `fixed` ones start every packet as nf_init left them. */
  objects: readonly LibVigObject[];
  /** Violations met while running nf_init (then nf_process was not explored). */
  initViolations: Exploration['violations'];
}

export interface NfOptions extends Watch {
  limits?: Partial<Limits>;
  solver?: Solver;
  /** Contracts beyond config, env.abort and libVig's. */
  contracts?: ContractTable;
}

/**
 * The loop bound of nf_process's exploration: at least `floor`, and enough for a loop over every byte of the
 * largest frame (a checksum computed over the segment, a scan of the payload) or every row of the largest config
 * table (a rule list searched in order): bounded work, however long. nf_init runs concretely, with no bound.
 */
export function loopBoundFor(manifest: Manifest, floor = DEFAULT_LIMITS.loopBound): number {
  return Math.max(floor, manifest.frame.max, ...Object.values(manifest.tables ?? {}).map((table) => table.rows.length));
}

export function nfMachine(build: NfBuild, options: NfOptions = {}): { machine: Machine; initViolations: Exploration['violations'] } {
  const module = decodeModule(build.wasm);
  const config = configImports(build.manifest);
  const contracts: ContractTable = new Map([...config.contracts, ['env.abort', abortContract], ...libvigContracts(build.manifest), ...(options.contracts ?? [])]);
  const machine = new Machine(module, {
    sourceMap: build.sourceMap ? SourceMap.parse(build.sourceMap) : null,
    importedGlobals: config.globals,
    contracts,
    limits: { ...DEFAULT_LIMITS, loopBound: loopBoundFor(build.manifest), ...options.limits },
    shouldStop: options.shouldStop,
    progress: options.progress,
  });
  return { machine, initViolations: machine.initialise('nf_init') };
}

export async function exploreNf(build: NfBuild, options: NfOptions = {}): Promise<NfExploration> {
  const started = performance.now();
  const { machine, initViolations } = nfMachine(build, options);
  const empty: Exploration = {
    traces: [], violations: [],
    figures: { paths: 0, traces: 0, violations: 0, instructions: 0, queries: 0, cacheHits: 0, solverSeconds: 0, medianQuerySeconds: 0, seconds: 0 },
  };
  if (initViolations.length > 0) return { ...empty, build, initViolations, objects: [] };
  // A declared object nf_init never allocates would be a state a spec can import and the NF never has.
  const unallocated = build.manifest.state.slice(objectsOf(machine.start).length);
  if (unallocated.length > 0) {
    throw new EngineError(`${build.manifest.name}/nf.json declares state ${unallocated.map((s) => `"${s.name}" (${s.kind})`).join(', ')} that nf_init never allocates: ` +
      'allocate every object of its "state" list in nf_init, in that order, or remove those the NF does not use');
  }
  const solver = options.solver ?? (await Solver.create());
  const { frame, devices } = build.manifest;
  const assumptions = [
    T.compare('ult', INPUT.device, T.bv(devices, 32)),
    // libVig compares times as signed 64-bit numbers: time is below 2^63 ns (292 years).
    T.compare('sle', T.bv(0, 64), INPUT.now),
    T.compare('ule', T.bv(frame.min, 32), INPUT.length),
    T.compare('ule', INPUT.length, T.bv(frame.max, 32)),
  ];
  const start = solver.check(assumptions, T.TRUE);
  if (start.status !== 'sat') throw new EngineError(`the manifest's frame bounds (${frame.min}..${frame.max}) admit no frame`);
  const explore = (fixed: ReadonlySet<number>) => machine.explore('nf_process', [INPUT.device, PACKET_BASE, INPUT.length, INPUT.now], {
    layout: { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length: INPUT.length },
    packet: PacketBuffer.symbolic(frame.max, INPUT.packet),
    pathCondition: assumptions,
    model: start.model,
    knownMinLength: frame.min,
    prepare: (state) => startPacket(state, INPUT.now, fixed),
    trackAccesses: true,
    finish: checkOutput(build.manifest, INPUT.device),
    readable: readableWishes,
  }, solver);
  // Configuration is verified: the objects no path changes from any state keep nf_init's contents at every
  // packet. Exploring again with them fixed only narrows the paths, so nothing more can change.
  const initial = objectsOf(machine.start);
  const open = explore(new Set());
  const changed = changedObjects(initial, open);
  const fixed = new Set([...initial.keys()].filter((handle) => initial[handle]!.kind !== 'cht' && !changed.has(handle)));
  const run = fixed.size === 0 ? open : explore(fixed);
  if (run !== open) {
    const grown = [...changedObjects(initial, run)].filter((handle) => fixed.has(handle));
    if (grown.length > 0) throw new EngineError(`internal: ${grown.map((h) => initial[h]!.name).join(', ')} changed only once kept as nf_init left them`);
    for (const figure of ['instructions', 'queries', 'cacheHits', 'solverSeconds'] as const) run.figures[figure] += open.figures[figure];
  }
  checkWellFormed(run, { input: INPUT, frameMax: frame.max, locate: (offset) => machine.locate(offset) }, solver);
  checkCarriedState(run, machine, solver);
  run.figures.seconds = (performance.now() - started) / 1000;
  return { ...run, build, initViolations, objects: markFixed(initial, fixed) };
}

/**
 * Runs nf_process on one concrete frame with the engine's own interpreter (no solver). The state before the
 * packet is abstract but for the `fixed` handles (an exploration's fixed objects, as nf_init left them); `model`
 * (a trace's) gives it values, so the run replays that trace.
 */
export function runNfConcretely(build: NfBuild, input: ConcreteInput, options: NfOptions & { model?: Assignment; fixed?: ReadonlySet<number> } = {}): Exploration {
  const { machine, initViolations } = nfMachine(build, options);
  if (initViolations.length > 0) throw new EngineError(`nf_init failed: ${initViolations[0]!.message}`);
  return machine.explore('nf_process', [input.device >>> 0, PACKET_BASE, input.length >>> 0, BigInt.asUintN(64, input.now)], {
    layout: { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length: input.length >>> 0 },
    packet: PacketBuffer.concrete(input.packet, build.manifest.frame.max),
    pathCondition: [],
    model: options.model ?? T.emptyAssignment(),
    prepare: (state) => startPacket(state, T.bv(input.now, 64), options.fixed ?? new Set()),
  }, null);
}

/** The concrete inputs a model describes. */
export function inputFromModel(model: Assignment): ConcreteInput {
  const length = Number(T.evaluate(INPUT.length, model));
  const packet = new Uint8Array(length);
  for (let i = 0; i < length; i++) packet[i] = Number(T.evaluate(T.select(INPUT.packet, T.bv(i, 32)), model));
  return { device: Number(T.evaluate(INPUT.device, model)), length, now: T.evaluate(INPUT.now, model), packet };
}

/** The bytes of the frame after nf_process, on a trace, under a model. */
export function finalPacketBytes(packet: PacketBuffer, length: number, model: Assignment): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const b = packet.read(i);
    bytes[i] = typeof b === 'number' ? b : Number(T.evaluate(b, model));
  }
  return bytes;
}
