// toolchain/late-binding.ts, which binds libVig's WebAssembly run-time to NFs: arguments and results pass through unchanged, each import reaches its own target, an unbound one traps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lateBinding } from '../../toolchain/late-binding.ts';
import { functionBody, functionType, KIND, MAGIC_AND_VERSION, name, op, section, SECTION, TYPE, vector } from '../../toolchain/wasm-encoding.ts';

const SIGNATURES = {
  pick: { params: [['a', 'i32'], ['b', 'i32']], result: 'i32' },
  wide: { params: [['x', 'i32'], ['t', 'i64']], result: 'i64' },
  store: { params: [['v', 'i32']], result: null },
} as const;

/** Targets: pick returns its second argument, wide its i64, store records its argument in a global read back by `last`. */
function targets(): WebAssembly.Exports {
  const body = (instructions: number[]) => functionBody([], [...instructions, op.end]);
  const GLOBAL_SET = 0x24;
  const wasm = new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector([functionType([TYPE.i32, TYPE.i32], [TYPE.i32]), functionType([TYPE.i32, TYPE.i64], [TYPE.i64]), functionType([TYPE.i32], []), functionType([], [TYPE.i32])])),
    ...section(SECTION.function, vector([[0], [1], [2], [3]])),
    ...section(6, vector([[TYPE.i32, 0x01, op.i32Const, 0, op.end]])),
    ...section(SECTION.export, vector([[...name('pick'), KIND.function, 0], [...name('wide'), KIND.function, 1], [...name('store'), KIND.function, 2], [...name('last'), KIND.function, 3]])),
    ...section(SECTION.code, vector([body([op.localGet, 1]), body([op.localGet, 1]), body([op.localGet, 0, GLOBAL_SET, 0]), body([op.globalGet, 0])])),
  ]);
  return new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports;
}

test('each late-bound import calls the function bound to it, with its arguments and result unchanged', () => {
  const binding = lateBinding(SIGNATURES);
  const target = targets();
  for (const name of ['pick', 'wide', 'store'] as const) binding.bind(name, target[name]!);
  const imports = binding.imports as unknown as { pick(a: number, b: number): number; wide(x: number, t: bigint): bigint; store(v: number): void };
  assert.equal(imports.pick(1, -7), -7);
  assert.equal(imports.wide(3, -(1n << 62n) - 5n), -(1n << 62n) - 5n);
  imports.store(42);
  assert.equal((target.last as () => number)(), 42);
});

test('an import called before it is bound traps, and one bound to a function of another signature traps', () => {
  const binding = lateBinding(SIGNATURES);
  const imports = binding.imports as unknown as { pick(a: number, b: number): number; store(v: number): void };
  assert.throws(() => imports.pick(1, 2), WebAssembly.RuntimeError);
  binding.bind('store', targets().pick!);
  assert.throws(() => imports.store(1), WebAssembly.RuntimeError);
});
