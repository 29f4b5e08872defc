// Stacked builds that overlap in one process (a session builds for --layers full and nf,io at once) each compile
// their own temporary entry: one's clean-up took the other's file from under its compiler (ENOENT on CI).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildStackedNf, PROJECT_ROOT } from '../../toolchain/build.ts';

const NOP = join(PROJECT_ROOT, 'nfs', 'nop');

test('two stacked builds of one NF at once each build what was asked, and leave no temporary file', async () => {
  // A comment no cached build has, so that both really compile, at the same time.
  const line = 'return length < ETHER_HEADER ? DROP : 1 - device;';
  const variant = { name: 'overlapping', patches: [{ find: line, replace: `${line} // ${randomUUID()}` }] };
  const [full, io] = await Promise.all([buildStackedNf(NOP, { variant }), buildStackedNf(NOP, { variant, keepDriverCalls: true })]);
  const exports = (wasm: Uint8Array) => WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  assert.ok(!exports(full.wasm).includes('driver_send'), 'the full build keeps the driver inlined');
  assert.ok(exports(io.wasm).includes('driver_send'), 'the nf,io build exports the driver');
  // Only this process's: another test file may be building a stacked nop at this moment (names carry the pid).
  const ours = (name: string) => name.startsWith('.') && name.includes(`-${process.pid}-`);
  assert.deepEqual(readdirSync(NOP).filter(ours), [], 'temporary files removed');
});
