// nf_process's result must be DROP, FLOOD or a device the manifest declares: where a path can return anything
// else, an `output` violation splits off (its witness returns that value) and the rest of the path goes on.
import { DROP, FLOOD, type Manifest, outputName } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { RunSetup } from '../symbex/explore.ts';
import { toTerm } from '../symbex/values.ts';

/** The check run on every path once nf_process returned (`RunSetup.finish`); `device` is the input device's term. */
export function checkOutput(manifest: Manifest, device: Term): NonNullable<RunSetup['finish']> {
  const { devices } = manifest;
  const declared = `nf.json declares ${devices} device${devices === 1 ? '' : 's'} (${devices === 1 ? '0' : `0..${devices - 1}`}), DROP or FLOOD`;
  return (state, oracle) => {
    const result = toTerm(state.stack[state.stack.length - 1]!, 32);
    const valid = T.or(T.eq(result, T.bv(DROP, 32)), T.eq(result, T.bv(FLOOD, 32)), T.compare('ult', result, T.bv(devices, 32)));
    if (valid === T.TRUE || validForEveryDevice(valid, device, devices)) return;
    if (valid !== T.FALSE && oracle.choose(state, [valid, T.not(valid)]) === 0) return;
    const output = T.evaluate(result, state.model);
    oracle.fail(state, 'output', `nf_process returns ${outputName(output)}, but ${declared}`, { kind: 'returns', output });
  };
}

/**
 * A result computed from the input device alone (`1 - device`) is checked for each device the manifest declares
 * (every path assumes device < devices), without a solver query.
 */
function validForEveryDevice(valid: Term, device: Term, devices: number): boolean {
  const { variables, functions } = T.symbolsOf([valid]);
  if (functions.length > 0 || variables.some((v) => v !== device)) return false;
  const assignment = T.emptyAssignment();
  for (let d = 0; d < devices; d++) {
    assignment.scalars.set(device.name, BigInt(d));
    if (T.evaluate(valid, assignment) !== 1n) return false;
  }
  return true;
}
