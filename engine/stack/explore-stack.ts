// The full stack explored: nf_init and stack_init run concretely, then every path of one stack_poll with the
// device symbolic (stack-models/), nf_process called through the contract the NF layer's exploration stands for.
import { device, PACKET_BASE } from '../../nf-abi/index.ts';
import { buildStackedNf, type NfBuild } from '../../toolchain/build.ts';
import { deviceState, setDeviceState, stackModel } from '../../stack-models/index.ts';
import { libvigContracts, startPacket } from '../contracts/index.ts';
import { exploreNf, type NfExploration, type NfOptions } from '../nf/explore-nf.ts';
import { abortContract, configImports } from '../nf/host-contracts.ts';
import * as T from '../solver/term.ts';
import { Solver } from '../solver/z3.ts';
import { DEFAULT_LIMITS, type Exploration, Machine } from '../symbex/explore.ts';
import type { ContractTable } from '../symbex/import-contracts.ts';
import { decodeModule, type WasmModule } from '../wasm/decode.ts';
import { OP } from '../wasm/opcodes.ts';
import { SourceMap } from '../wasm/sourcemap.ts';

/** The stack's poll explored over a stacked build (with `stacked`: a variant of it, for seeded bugs). */
export async function explorePoll(build: NfBuild, options: NfOptions & { stacked?: NfBuild; framesPerPoll?: number } = {}): Promise<Exploration> {
  const stacked = options.stacked ?? (await buildStackedNf(build.dir));
  const { manifest } = stacked;
  const model = stackModel(manifest, options.framesPerPoll);
  const module = decodeModule(stacked.wasm);
  const config = configImports(manifest);
  const contracts: ContractTable = new Map([...config.contracts, ['env.abort', abortContract], ...libvigContracts(manifest), ...model.contracts]);
  const machine = new Machine(module, {
    sourceMap: stacked.sourceMap ? SourceMap.parse(stacked.sourceMap) : null,
    importedGlobals: config.globals,
    contracts,
    // stack_init walks whole rings: a loop may run a ring's length (and more is a hang, in the poll too).
    limits: { ...DEFAULT_LIMITS, loopBound: 2 * device.MAX_RING_SIZE, ...options.limits },
    shouldStop: options.shouldStop,
    progress: options.progress,
  });
  const failed = [...machine.initialise('nf_init'), ...machine.initialise('stack_init')];
  if (failed.length > 0) return { traces: [], violations: failed, figures: { ...NO_FIGURES, paths: failed.length, violations: failed.length } };
  const solver = options.solver ?? (await Solver.create());
  // The stack copies frames into [PACKET_BASE, MEMORY_BASE): plain memory here, the NF layer checks its reads.
  const layout = { packetBase: PACKET_BASE, memoryBase: PACKET_BASE, length: 0, watch: model.watch };
  // Where the compiler inlined nf_process into the loop (a small NF), the NF runs as code: its calls are not
  // seen, so the loop's side of the contract with it is not checked (the device's rules still are).
  const called = callsFrom(module, machine.functionIndex('stack_poll')).has(machine.functionIndex('nf_process'));
  const replace = new Map(called ? [['nf_process', model.nfProcess]] : []);
  const poll = () => machine.explore('stack_poll', [], {
    layout, replace, packet: null, pathCondition: [], model: T.emptyAssignment(),
    prepare: (state) => startPacket(state, T.bv(0, 64), new Set()),
    ...(called ? { finish: model.finish } : {}),
  }, solver);
  const fromStart = poll();
  // Then from rings about to wrap, TX descriptors in flight: a scripted device's run of about a ring's length.
  const devices = deviceState(machine.start, manifest.devices);
  setDeviceState(machine.start, { ...devices, mode: 'warm-up' });
  for (let k = 0; k < devices.devices[0]!.rx.size - 1; k++) {
    const failed = machine.initialise('stack_poll', { layout, replace });
    if (failed.length > 0) return { ...fromStart, violations: [...fromStart.violations, ...failed], figures: { ...fromStart.figures, violations: fromStart.figures.violations + failed.length } };
  }
  setDeviceState(machine.start, { ...deviceState(machine.start, manifest.devices), mode: 'explore', received: new Map(), sent: [] });
  const nearWrap = poll();
  const figures = { ...fromStart.figures };
  for (const figure of FIGURES) figures[figure] += nearWrap.figures[figure];
  return { traces: [...fromStart.traces, ...nearWrap.traces], violations: [...fromStart.violations, ...nearWrap.violations], figures };
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

const NO_FIGURES = { paths: 0, traces: 0, violations: 0, instructions: 0, queries: 0, cacheHits: 0, solverSeconds: 0, seconds: 0 };

const FIGURES = ['paths', 'traces', 'violations', 'instructions', 'queries', 'cacheHits', 'solverSeconds', 'seconds'] as const;

/**
 * `full`: the NF layer's traces (what specs are checked against) and the poll's violations and figures: the
 * poll proves the stack hands nf_process only inputs that layer covers and carries out its results.
 */
export async function exploreFull(build: NfBuild, options: NfOptions = {}): Promise<NfExploration> {
  const nf = await exploreNf(build, options);
  const poll = await explorePoll(build, options);
  const figures = { ...nf.figures };
  for (const figure of FIGURES) figures[figure] += poll.figures[figure];
  return { ...nf, violations: [...nf.violations, ...poll.violations], figures };
}
