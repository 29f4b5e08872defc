// The second front door: the same NOP in C, compiled by clang --target=wasm32, gives the same traces.
import assert from 'node:assert/strict';
import { NF_EXPORTS } from '../../nf-abi/index.ts';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, compileSource } from '../../toolchain/build.ts';
import { traceOutput } from '../../engine/render/exploration.ts';
import { formatStep, nfPath } from '../../engine/render/nf-path.ts';
import { exploreNf } from '../../engine/nf/explore-nf.ts';
import { unlessInstalled } from '../tools.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));

test('nop.c and nop.ts have the same traces', { skip: unlessInstalled('clang') }, async () => {
  const fromAssemblyScript = await buildNf(NOP);
  const compiledC = await compileSource(`${NOP}/nop.c`, { exports: NF_EXPORTS });
  assert.equal(compiledC.language, 'c');
  assert.notDeepEqual(compiledC.wasm, fromAssemblyScript.wasm, 'two different binaries');
  const summarise = async (build: typeof fromAssemblyScript) => {
    const run = await exploreNf(build);
    return { violations: run.violations.length, traces: run.traces.map((t) => ({ output: traceOutput(run, t), calls: t.calls.length, writes: t.final.packet!.written() })) };
  };
  const a = await summarise(fromAssemblyScript);
  const c = await summarise({ ...fromAssemblyScript, ...compiledC });
  assert.deepEqual(c, a);
  assert.deepEqual(a, { violations: 0, traces: [{ output: '(DROP if (length < 14) else (1 - device))', calls: 0, writes: false }] });
});

test('a C build names its source lines as an AssemblyScript build does, from its DWARF line table, and runs without it', { skip: unlessInstalled('clang') || unlessInstalled('llvm-dwarfdump') }, async () => {
  const compiledC = await compileSource(`${NOP}/nop.c`, { exports: NF_EXPORTS });
  const build = { ...(await buildNf(NOP)), ...compiledC };
  const run = await exploreNf(build);
  assert.deepEqual(nfPath(run, run.traces[0]!).map(formatStep), ['nfs/nop/nop.c:13:3  return length < ETHER_HEADER ? DROP : 1 - device;  -> returned']);
  const module = new WebAssembly.Module(compiledC.wasm);
  assert.deepEqual(WebAssembly.Module.customSections(module, '.debug_line'), [], 'the DWARF is taken out of the binary');
  assert.deepEqual(WebAssembly.Module.customSections(module, '.debug_info'), []);
});
