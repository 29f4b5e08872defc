// The cost of full-stack verification: the stack's 64-byte block copies (stack/driver.ts's copyBlocks) must not
// fork once per block of the frame length (engine/symbex/merge.ts merges the trip counts), or a poll of the lb's
// three devices goes back to 16,000 paths and 9 GB of heap (docs/PITFALLS.md).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explorePoll } from '../../engine/stack/explore-stack.ts';
import { buildNf } from '../../toolchain/build.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const NF_ABI = fileURLToPath(new URL('../../nf-abi', import.meta.url));
const copies: string[] = [];
after(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** nop with nf.json's frame bounds [0, max]: the stack drops longer frames, so a copy is at most max/64 blocks. */
function nopUpTo(max: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigor-lb-cost-'));
  copies.push(dir);
  cpSync(NOP, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'nf.json'), 'utf8'));
  writeFileSync(join(dir, 'nf.json'), JSON.stringify({ ...manifest, frame: { min: 0, max } }));
  const source = join(dir, 'nop.ts');
  writeFileSync(source, readFileSync(source, 'utf8').replace('../../nf-abi/', `${relative(dir, NF_ABI)}/`));
  return dir;
}

test('a poll has as many paths whether a frame is one 64-byte block or 24', async () => {
  // Each delivered frame is copied to PACKET_BASE and back in blocks up to its LENGTH. With frames of at most
  // 64 bytes a copy runs once or not at all; with 1514 bytes, 0 to 24 times. Forking per trip count, the second
  // poll had ten times the paths of the first (3,050 against 290 when this test was written); merged, every
  // other choice of the device and the NF is the same, so the counts are equal.
  const oneBlock = await explorePoll(await buildNf(nopUpTo(64)));
  const full = await explorePoll(await buildNf(NOP));
  assert.deepEqual([oneBlock.violations.length, full.violations.length], [0, 0]);
  assert.ok(oneBlock.figures.paths > 1, 'polls that deliver a frame and polls that deliver none');
  assert.equal(full.figures.paths, oneBlock.figures.paths, 'the block copy forked on the frame length');
});
