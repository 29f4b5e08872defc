// The interpreter against V8: the same programs on thousands of random inputs. Each input runs three ways:
// V8, the engine on concrete values, and the engine's symbolic traces evaluated by Z3. All must agree exactly.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';
import { compileSource } from '../../toolchain/build.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { SUPPORTED_OPCODES } from '../../engine/symbex/interpreter.ts';
import { OPCODES } from '../../engine/wasm/opcodes.ts';
import { INSTRUCTIONS_WAT } from '../programs/instructions.wat.ts';
import { type Args, engineRunConcrete, exploreSymbolic, machineFor, predicted, randomArgs, seededRandom, v8Run } from './harness.ts';
import { unlessInstalled } from '../tools.ts';

const INPUTS_PER_ENTRY = Number(process.env.DIFFERENTIAL_INPUTS ?? 1500);
const program = (name: string) => fileURLToPath(new URL(`../programs/${name}`, import.meta.url));

let solver: Solver;
const coverage = new Set<number>();
before(async () => (solver = await Solver.create()));

function assembleWat(text: string): Uint8Array {
  const module = binaryen.parseText(text);
  module.setFeatures(binaryen.Features.All);
  assert.ok(module.validate(), 'the generated WAT program is valid');
  return module.emitBinary();
}

function differential(wasm: Uint8Array, entries: string[], seed: number): void {
  const v8Module = new WebAssembly.Module(wasm);
  const machine = machineFor(wasm, coverage);
  for (const entry of entries) {
    const run = exploreSymbolic(machine, entry, solver);
    assert.ok(run.traces.length > 0, `${entry}: at least one trace`);
    const random = seededRandom(seed);
    for (let n = 0; n < INPUTS_PER_ENTRY; n++) {
      const args: Args = randomArgs(random);
      const expected = v8Run(v8Module, entry, args);
      const context = `${entry}(${args.join(', ')}) [seed ${seed}, input ${n}]`;
      assert.deepEqual(engineRunConcrete(machine, entry, args), expected, `concrete run of ${context}`);
      assert.deepEqual(predicted(run, args, solver), expected, `symbolic traces of ${context}`);
    }
  }
}

describe('differential testing against V8', () => {
  test('hand-written program covering every supported instruction', () => {
    differential(assembleWat(INSTRUCTIONS_WAT), ['arith32', 'arith64', 'division', 'conversions', 'loads_stores', 'control'], 1);
  });

  test('AssemblyScript program (compiler-chosen instructions)', async () => {
    const compiled = await compileSource(program('arith.ts'), { exports: ['run'] });
    differential(compiled.wasm, ['run'], 2);
  });

  test('C program compiled by clang --target=wasm32', { skip: unlessInstalled('clang') }, async () => {
    const compiled = await compileSource(program('arith.c'), { exports: ['run'] });
    differential(compiled.wasm, ['run'], 3);
  });

  test('every supported instruction was executed by the programs above', () => {
    const missing = [...SUPPORTED_OPCODES].filter((op) => !coverage.has(op)).map((op) => OPCODES.get(op)!.name);
    assert.deepEqual(missing, []);
  });
});
