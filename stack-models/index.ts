// Entry point of stack-models/: the device model (contracts of the `device` imports), the checks on the driver
// (register writes, the device region's memory), the I/O loop's contract with nf_process, and the driver's contract.
import { device, type Manifest } from '../nf-abi/index.ts';
import type { MemoryWatch } from '../engine/symbex/interpreter.ts';
import type { Contract, ContractTable } from '../engine/symbex/import-contracts.ts';
import type { ExecutionState } from '../engine/symbex/state.ts';
import type { Oracle } from '../engine/symbex/interpreter.ts';
import { DEFAULT_FRAMES_PER_POLL, deviceContracts } from './device-model.ts';
import { checkSends, nfProcessContract } from './delivery.ts';
import { checkDriverCalls, driverContracts } from './driver-contract.ts';
import { driverRules, memoryWatch } from './driver-rules.ts';

export { deviceState, setDeviceState } from './device-state.ts';
export { SEVERAL_FRAMES_PER_POLL } from './device-model.ts';
export { SCRIPTED_RUNS, scriptedPolls } from './scripted-runs.ts';
export { readableDeviceWishes } from './readable.ts';

export interface StackModel {
  /** The `device.*` contracts. */
  contracts: ContractTable;
  /** The checks on every access of the device region. */
  watch: MemoryWatch;
  /** nf_process as the NF layer verified it, for the I/O loop to call. */
  nfProcess: Contract;
  /** After each poll: what was sent is what nf_process asked for. */
  finish: (state: ExecutionState, oracle: Oracle) => void;
}

/** The device model's; with `plainFrames`, its frames are ones the I/O loop delivers (device-model.ts says which). */
export function stackModel(manifest: Manifest, framesPerPoll = DEFAULT_FRAMES_PER_POLL, plainFrames = false): StackModel {
  const { devices } = manifest;
  const bounds = { min: manifest.frame.min, max: Math.min(manifest.frame.max, device.BUFFER_BYTES) };
  return {
    contracts: deviceContracts({ devices, framesPerPoll, ...(plainFrames ? { plainFrames: bounds } : {}) }, driverRules(devices)),
    watch: memoryWatch(devices),
    nfProcess: nfProcessContract(manifest),
    finish: checkSends(manifest),
  };
}

export interface IoLoopModel {
  /** The driver's entry points' contracts, by their names in stack/driver.ts. */
  driver: Readonly<Record<string, Contract>>;
  /** nf_process as the NF layer verified it, results that are no device included. */
  nfProcess: Contract;
  /** After each poll: the loop's calls of the driver are complete, and what was sent is what nf_process asked for. */
  finish: (state: ExecutionState, oracle: Oracle) => void;
}

/**
 * `--layers nf,io`: the I/O loop between nf_process's contract and the driver's. The driver gives up to
 * `framesPerPoll` frames a poll (default 2: the loop's ordering and time rules concern a frame after another).
 */
export function ioLoopModel(manifest: Manifest, framesPerPoll = DEFAULT_FRAMES_PER_POLL_IO): IoLoopModel {
  const sends = checkSends(manifest);
  const calls = checkDriverCalls(manifest.devices);
  return {
    driver: driverContracts(manifest, framesPerPoll),
    nfProcess: nfProcessContract(manifest, { noDevice: true }),
    finish: (state, oracle) => {
      calls(state, oracle);
      sends(state, oracle);
    },
  };
}

export const DEFAULT_FRAMES_PER_POLL_IO = 2;
