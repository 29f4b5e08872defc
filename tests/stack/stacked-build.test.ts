// Builds that overlap (a session builds for --layers full and nf,io at once; test files and the evaluation build the
// same seeded variant) each compile their own temporary files: one's clean-up took the other's file from under its
// compiler (ENOENT on CI).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync, symlinkSync, watch } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildNf, buildStackedNf, PROJECT_ROOT } from '../../toolchain/build.ts';

const NOP = join(PROJECT_ROOT, 'nfs', 'nop');
const LINE = 'return length < ETHER_HEADER ? DROP : 1 - device;';
/** A variant no cached build has (a comment of its own), so that builds of it really compile, at the same time. */
const uncached = (name: string) => ({ name, patches: [{ find: LINE, replace: `${LINE} // ${randomUUID()}` }] });
/** This process's temporary files in nop's folder: another test file may be building nop at this moment (names carry the pid). */
const ours = () => readdirSync(NOP).filter((name) => name.startsWith('.') && name.includes(`-${process.pid}-`));

test('builds of one variant at once write only files of their own, and its source map names it by the variant', async () => {
  const variant = uncached('twice');
  // Another process building the same variant must not meet these files: each name carries this process's id.
  const written = new Set<string>();
  const watcher = watch(NOP, (_, name) => name?.startsWith('.variant-twice') && written.add(name));
  const builds = await Promise.all([buildNf(NOP, { variant }), buildNf(NOP, { variant })]).finally(() => watcher.close());
  assert.ok(written.size >= 2, `the builds' files were seen: ${[...written].join(', ')}`);
  assert.deepEqual([...written].filter((name) => !name.includes(`-${process.pid}-`)), [], 'no file another build could also write');
  for (const build of builds) {
    const { sources } = JSON.parse(build.sourceMap ?? '{}') as { sources?: string[] };
    assert.ok(sources?.includes('nfs/nop/.variant-twice.ts'), `the variant's own name, not its temporary file's: ${sources?.join(', ')}`);
  }
  assert.deepEqual(ours(), [], 'temporary files removed');
});

test('two stacked builds of one NF at once each build what was asked, and leave no temporary file', async () => {
  const variant = uncached('overlapping');
  const [full, io] = await Promise.all([buildStackedNf(NOP, { variant }), buildStackedNf(NOP, { variant, keepDriverCalls: true })]);
  const exports = (wasm: Uint8Array) => WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  assert.ok(!exports(full.wasm).includes('driver_send'), 'the full build keeps the driver inlined');
  assert.ok(exports(io.wasm).includes('driver_send'), 'the nf,io build exports the driver');
  assert.deepEqual(ours(), [], 'temporary files removed');
});

test("a build does not stumble on another build's temporary file that is gone by the time it looks", async () => {
  // A link to nothing stands for a file listed in the folder and removed before it is looked at (ENOENT on CI).
  const gone = join(NOP, `.variant-gone-${process.pid}-1-nf.ts`);
  symlinkSync(join(NOP, '.nothing-here'), gone);
  try {
    const build = await buildNf(NOP);
    assert.ok(WebAssembly.validate(build.wasm), 'nop still builds');
  } finally {
    rmSync(gone, { force: true });
  }
});
