// A stacked NF imports its memory: toolchain/wasm-encoding.ts reads the limits it declares, libvig/load-nf.ts creates it with exactly those, fresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { buildStackedNf, PROJECT_ROOT } from '../../toolchain/build.ts';
import { compiledLibVig, loadNf } from '../../libvig/index.ts';
import { functionType, importedMemoryLimits, KIND, LIMITS_WITH_MAXIMUM, LIMITS_WITHOUT_MAXIMUM, MAGIC_AND_VERSION, name, section, SECTION, TYPE, u32, vector } from '../../toolchain/wasm-encoding.ts';

/** A module importing a function, a table with a maximum, a global and then `memory` (limit bytes as given). */
function importing(memory: number[] | null): Uint8Array {
  const entries = [
    [...name('libvig'), ...name('f'), KIND.function, 0],
    [...name('bind'), ...name('table'), KIND.table, TYPE.funcref, LIMITS_WITH_MAXIMUM, 3, 200, 1],
    [...name('config'), ...name('g'), KIND.global, TYPE.i64, 0x00],
    ...(memory ? [[...name('env'), ...name('memory'), KIND.memory, ...memory]] : []),
  ];
  return new Uint8Array([...MAGIC_AND_VERSION, ...section(SECTION.type, vector([functionType([], [])])), ...section(SECTION.import, vector(entries))]);
}

test('the limits of an imported memory are read past imports of every other kind, with and without a maximum', () => {
  assert.deepEqual(importedMemoryLimits(importing([LIMITS_WITHOUT_MAXIMUM, ...u32(300)])), { initial: 300 });
  assert.deepEqual(importedMemoryLimits(importing([LIMITS_WITH_MAXIMUM, ...u32(2), ...u32(60000)])), { initial: 2, maximum: 60000 });
  assert.equal(importedMemoryLimits(importing(null)), null);
  // The modules are valid: what is read is what V8 reads.
  assert.doesNotThrow(() => new WebAssembly.Module(importing([LIMITS_WITH_MAXIMUM, ...u32(2), ...u32(60000)])));
});

test('a stacked NF gets a memory from the loader, the one it exports, and runs on the WebAssembly run-time', async () => {
  const build = await buildStackedNf(join(PROJECT_ROOT, 'nfs', 'pol'));
  const limits = importedMemoryLimits(build.wasm);
  assert.ok(limits, 'the stacked build imports its memory');
  const module = new WebAssembly.Module(build.wasm);
  const nf = loadNf({ ...build, module }, { device: deviceStubs(module) }, { libvig: await compiledLibVig() });
  assert.equal(nf.instance.exports.memory, nf.memory);
  // At least the declared pages (V8 refuses fewer); nf_init has grown it over libVig's region since.
  assert.ok(nf.memory.buffer.byteLength >= limits.initial * 65536);
  assert.equal(nf.libvig, null, 'the JavaScript run-time is not used');
  // A frame too short for IPv4 is dropped; the run-time answered nf_init's allocations (else it would have thrown).
  assert.equal(nf.process(0, new Uint8Array(20), 1n).output, -1);
});

/** Module `device`'s imports, never called here (no stack_poll). */
function deviceStubs(module: WebAssembly.Module): Record<string, WebAssembly.ImportValue> {
  const never = () => assert.fail('no device register is accessed without stack_init');
  return Object.fromEntries(WebAssembly.Module.imports(module).filter((entry) => entry.module === 'device').map((entry) => [entry.name, never]));
}
