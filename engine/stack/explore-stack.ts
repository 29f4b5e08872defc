// The stack under the NF explored: `full`, nf_init and stack_init run concretely, then every path of one stack_poll
// with the device symbolic (stack-models/); `nf,io`, stack_poll with the driver's entry points replaced by the
// driver's contract. Either way nf_process is called through the contract the NF layer's exploration stands for.
import { device, PACKET_BASE } from '../../nf-abi/index.ts';
import { buildStackedNf, DRIVER_ENTRIES, driverExport, type NfBuild } from '../../toolchain/build.ts';
import { deviceState, ioLoopModel, readableDeviceWishes, SCRIPTED_RUNS, scriptedPolls, setDeviceState, SEVERAL_FRAMES_PER_POLL, stackModel, type StackModel } from '../../stack-models/index.ts';

export { DEFAULT_FRAMES_PER_POLL_IO } from '../../stack-models/index.ts';
import { libvigContracts, startPacket } from '../contracts/index.ts';
import { exploreNf, loopBoundFor, type NfExploration, type NfOptions } from '../nf/explore-nf.ts';
import { abortContract, configImports } from '../nf/host-contracts.ts';
import * as T from '../solver/term.ts';
import { Solver } from '../solver/z3.ts';
import { DEFAULT_LIMITS, type Exploration, Machine, type RunSetup } from '../symbex/explore.ts';
import type { Contract, ContractTable } from '../symbex/import-contracts.ts';
import type { Layout } from '../symbex/interpreter.ts';
import { EngineError, type Violation } from '../symbex/violations.ts';
import { decodeModule, type WasmModule } from '../wasm/decode.ts';
import { OP } from '../wasm/opcodes.ts';
import { SourceMap } from '../wasm/sourcemap.ts';
import type { StackedLayers } from './layers.ts';

type StackOptions = NfOptions & { stacked?: NfBuild };

/** The stacked build's machine, with nf.json's config, libVig and `contracts` for its imports. */
async function stackMachine(build: NfBuild, options: StackOptions, contracts: ContractTable, keepDriverCalls: boolean) {
  const stacked = options.stacked ?? (await buildStackedNf(build.dir, { keepDriverCalls }));
  const module = decodeModule(stacked.wasm);
  const config = configImports(stacked.manifest);
  const machine = new Machine(module, {
    sourceMap: stacked.sourceMap ? SourceMap.parse(stacked.sourceMap) : null,
    importedGlobals: config.globals,
    contracts: new Map([...config.contracts, ['env.abort', abortContract], ...libvigContracts(stacked.manifest), ...contracts]),
    // The poll walks whole rings: a loop may run a ring's length (and more is a hang), or the NF's as long as its own.
    limits: { ...DEFAULT_LIMITS, loopBound: loopBoundFor(stacked.manifest, 2 * device.MAX_RING_SIZE), ...options.limits },
    shouldStop: options.shouldStop,
    progress: options.progress,
  });
  return { machine, module, solver: options.solver ?? (await Solver.create()) };
}

/**
 * What a poll replaces: each function of the layer below by its contract. The build keeps them out of line
 * (toolchain/layer-calls.ts, layer-calls-io.ts); were one inlined, the loop's calls of it could not be checked, so that is an error.
 */
function layerCalls(module: WasmModule, machine: Machine, contracts: readonly (readonly [string, Contract])[]): Map<string, Contract> {
  const called = callsFrom(module, machine.functionIndex('stack_poll'));
  const inlined = contracts.filter(([name]) => !called.has(machine.functionIndex(name))).map(([name]) => name);
  if (inlined.length > 0) throw new EngineError(`stack_poll never calls ${inlined.join(', ')}: the stack leaves ${inlined.length > 1 ? 'them' : 'it'} out, or the build inlined ${inlined.length > 1 ? 'them' : 'it'} (which toolchain/layer-calls.ts and layer-calls-io.ts are there to prevent)`);
  return new Map(contracts);
}

/** One exploration of stack_poll from the machine's starting point. */
function explorePollOnce(machine: Machine, solver: Solver, layout: Layout, replace: Map<string, Contract>, finish: NonNullable<RunSetup['finish']>): Exploration {
  return machine.explore('stack_poll', [], {
    layout, replace, finish, packet: null, pathCondition: [], model: T.emptyAssignment(), mergeLoopExits: true,
    readable: readableDeviceWishes,
    prepare: (state) => startPacket(state, T.bv(0, 64), new Set()),
  }, solver);
}

/** A stacked build's exploration, each violation marked as found over that build (it replays there). */
const foundOver = (stackedBuild: StackedLayers, run: Exploration): Exploration => ({ ...run, violations: run.violations.map((violation) => ({ ...violation, stackedBuild })) });

/** The stack's poll explored over the stacked build that runs (with `stacked`: a variant of it, for seeded bugs). */
export const explorePoll = async (build: NfBuild, options: StackOptions = {}): Promise<Exploration> => foundOver('full', await exploreStackPoll(build, options));

async function exploreStackPoll(build: NfBuild, options: StackOptions): Promise<Exploration> {
  const oneFrame = await pollsFromEachStart(build, options);
  return oneFrame.setUpFailed ? oneFrame.explored : joined(oneFrame.explored, await severalFramesPoll(build, options));
}

/** A stacked machine ready to explore stack_poll, or (`failed`) the violations of its set-up. */
type StartedStack = { failed: Exploration } | { failed: null; machine: Machine; layout: Layout; replace: Map<string, Contract>; poll: () => Exploration };

/**
 * The stacked machine over `model`'s device with nf_init and stack_init run, and a function exploring one
 * stack_poll from its starting point; or the set-up's violations.
 */
async function startedStack(build: NfBuild, options: StackOptions, model: StackModel): Promise<StartedStack> {
  const { machine, module, solver } = await stackMachine(build, options, model.contracts, false);
  const failed = [...machine.initialise('nf_init'), ...machine.initialise('stack_init', { layout: { packetBase: 0, memoryBase: 0, length: 0, growsMemory: true } })];
  if (failed.length > 0) return { failed: failedStart(failed) };
  // The stack copies frames into [PACKET_BASE, MEMORY_BASE): plain memory here, the NF layer checks its reads.
  const layout = { packetBase: PACKET_BASE, memoryBase: PACKET_BASE, length: 0, watch: model.watch };
  const replace = layerCalls(module, machine, [['nf_process', model.nfProcess]]);
  return { failed: null, machine, layout, replace, poll: () => explorePollOnce(machine, solver, layout, replace, model.finish) };
}

/** One frame a poll, from after stack_init and from after each of the scripted runs (`setUpFailed`: a set-up broke a rule). */
async function pollsFromEachStart(build: NfBuild, options: StackOptions): Promise<{ explored: Exploration; setUpFailed: boolean }> {
  const started = await startedStack(build, options, stackModel(build.manifest));
  if (started.failed) return { explored: started.failed, setUpFailed: true };
  const { machine, layout, replace, poll } = started;
  const { manifest } = build;
  let explored = poll();
  // Then from the scripted runs' rings (stack-models/scripted-runs.ts), each after the one before: about to wrap
  // with TX descriptors in flight, then backlogged by a device that stopped sending.
  for (const run of SCRIPTED_RUNS) {
    const devices = deviceState(machine.start, manifest.devices);
    setDeviceState(machine.start, { ...devices, mode: run });
    for (let k = 0; k < scriptedPolls(devices.devices[0]!.rx.size); k++) {
      const failed = machine.initialise('stack_poll', { layout, replace });
      if (failed.length > 0) return { explored: joined(explored, failedStart(failed)), setUpFailed: true };
    }
    setDeviceState(machine.start, { ...deviceState(machine.start, manifest.devices), mode: 'explore', received: new Map(), sent: [] });
    explored = joined(explored, poll());
  }
  return { explored, setUpFailed: false };
}

/**
 * SEVERAL_FRAMES_PER_POLL frames a poll, from after stack_init: what the driver does to a frame after another in
 * one poll (the TX descriptor the second send takes, the RX descriptor delivered next, the buffers refilled).
 * Plain frames (stack-models/device-model.ts: `plainFrames`) keep its paths few: what the loop does to a
 * malformed frame or by a frame's stamp is explored with one frame, and with two over the driver's contract.
 */
async function severalFramesPoll(build: NfBuild, options: StackOptions): Promise<Exploration> {
  const started = await startedStack(build, options, stackModel(build.manifest, SEVERAL_FRAMES_PER_POLL, true));
  return started.failed ?? started.poll();
}

/**
 * `nf,io`'s poll: the I/O loop between nf_process's contract and the driver's (stack-models/driver-contract.ts),
 * on the stacked build with the driver's calls kept (`stacked`, if given, must be one). nf_init and stack_init run
 * first as for `full` (the driver's set-up grows memory over the device region, as it does when the NF runs); the
 * poll then calls the device only for the clock.
 */
export const exploreIoLoop = async (build: NfBuild, options: StackOptions = {}): Promise<Exploration> => foundOver('nf,io', await exploreLoopPoll(build, options));

/** Stacked builds, by the layers whose poll explores each (a session's; a seeded stack bug's variants). */
export type StackedBuilds = Partial<Record<StackedLayers, NfBuild>>;

/**
 * The polls `layers` explore. `nf,io`: the I/O loop over the driver's contract. `full`: the poll of the build that
 * runs over the device model, and the I/O loop as `nf,io` explores it: the device model gives any frame one at a
 * time and only plain frames two at a time (more multiply its paths: docs/PITFALLS.md), and the loop's rules of
 * order and time concern a frame after another and its stamp, so `full` verifies everything `nf,io` does.
 */
export async function explorePolls(build: NfBuild, layers: StackedLayers, options: NfOptions & { stacked?: StackedBuilds } = {}): Promise<Exploration> {
  const { stacked = {}, ...rest } = options;
  const over = (kind: StackedLayers): StackOptions => (stacked[kind] ? { ...rest, stacked: stacked[kind] } : rest);
  const loop = await exploreIoLoop(build, over('nf,io'));
  return layers === 'nf,io' ? loop : joined(await explorePoll(build, over('full')), loop);
}

async function exploreLoopPoll(build: NfBuild, options: StackOptions): Promise<Exploration> {
  const model = ioLoopModel(build.manifest);
  const devices = stackModel(build.manifest);
  const { machine, module, solver } = await stackMachine(build, options, devices.contracts, true);
  const failed = [...machine.initialise('nf_init'), ...machine.initialise('stack_init', { layout: { packetBase: PACKET_BASE, memoryBase: PACKET_BASE, length: 0, watch: devices.watch, growsMemory: true } })];
  if (failed.length > 0) return failedStart(failed);
  const replace = layerCalls(module, machine, [['nf_process', model.nfProcess], ...DRIVER_ENTRIES.map((entry) => [driverExport(entry), model.driver[entry]!] as const)]);
  return explorePollOnce(machine, solver, { packetBase: PACKET_BASE, memoryBase: PACKET_BASE, length: 0 }, replace, model.finish);
}

/** The functions `entry` may call, directly or not (`call` instructions; the stack makes no indirect calls). */
function callsFrom(module: WasmModule, entry: number): Set<number> {
  const reached = new Set<number>();
  const pending = [entry];
  while (pending.length > 0) {
    const fn = module.functions[pending.pop()! - module.importedFunctionCount];
    for (const instruction of fn?.code ?? []) {
      if (instruction.op !== OP.call || reached.has(instruction.a)) continue;
      reached.add(instruction.a);
      pending.push(instruction.a);
    }
  }
  return reached;
}

const NO_FIGURES = { paths: 0, traces: 0, violations: 0, instructions: 0, queries: 0, cacheHits: 0, solverSeconds: 0, medianQuerySeconds: 0, seconds: 0 };

const FIGURES = ['paths', 'traces', 'violations', 'instructions', 'queries', 'cacheHits', 'solverSeconds', 'seconds'] as const;

/** An exploration that could not start: the set-up's violations. */
const failedStart = (violations: Violation[]): Exploration => ({ traces: [], violations, figures: { ...NO_FIGURES, paths: violations.length, violations: violations.length } });

/** Two explorations as one: `first`'s traces, both's violations, the figures added. */
function joined<E extends Pick<Exploration, 'violations' | 'figures'> & { traces: readonly unknown[] }>(first: E, second: Pick<Exploration, 'violations' | 'figures' | 'traces'>, keepTraces = true): E {
  const figures = { ...first.figures };
  for (const figure of FIGURES) figures[figure] += second.figures[figure];
  return { ...first, traces: keepTraces ? [...first.traces, ...second.traces] : first.traces, violations: [...first.violations, ...second.violations], figures };
}

/**
 * `full` and `nf,io`: the NF layer's traces (what specs are checked against) and the polls' violations and
 * figures: the polls prove the stack (`full`) and the I/O loop over the driver's contract hand nf_process only
 * inputs that layer covers and carry out its results.
 */
export async function exploreStacked(build: NfBuild, layers: StackedLayers, options: NfOptions = {}): Promise<NfExploration> {
  const nf = await exploreNf(build, options);
  return joined(nf, await explorePolls(build, layers, options), false);
}
