// The run-time's burst path (runtime/bursts.ts, wasm-driver.ts): frames of every length, staged in bursts, reach
// nf_process whole at the packet area with their device and time, and every byte the NF wrote comes back into the
// right record, without touching its neighbours. The rewriter test NF changes every byte of its frame, and grows
// its memory in the middle of some bursts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { BURST_PACKETS, splitBursts, STAGING_BYTES } from '../../runtime/bursts.ts';
import { TraceBuilder } from '../../runtime/trace.ts';
import { prepareWasmPasses } from '../../runtime/wasm-runner.ts';

const REWRITER = fileURLToPath(new URL('../programs/nfs/rewriter', import.meta.url));
const EDGE_LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1513, 1514];

test('frames of every length go through the driver whole and come back rewritten into their own records', async () => {
  const build = await buildNf(REWRITER);
  let seed = 7;
  const random = (below: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % below;
  const builder = new TraceBuilder();
  const sent: { device: number; time: bigint; frame: Uint8Array }[] = [];
  for (let packet = 0; packet < 3000; packet++) {
    // The last 1500 are all 64 bytes: bursts of one size, in which the memory grows (packets 1750 and 2450).
    const length = packet < EDGE_LENGTHS.length ? EDGE_LENGTHS[packet]! : packet >= 1500 ? 64 : random(4) === 0 ? 1400 + random(115) : random(200);
    const device = random(2);
    const time = BigInt(packet) * 1_000_003n + BigInt(random(2));
    const frame = builder.add(device, time, length, false);
    for (let at = 0; at < length; at++) frame[at] = random(256);
    sent.push({ device, time, frame: frame.slice() });
  }
  const trace = builder.finish(0);
  const bursts = splitBursts(trace, new Uint8Array(trace.records.length));
  assert.ok(bursts.input.length > 3000 / BURST_PACKETS, 'some bursts are cut short by the staging area');
  assert.ok(bursts.input.every((burst) => burst.length <= STAGING_BYTES));

  const pass = prepareWasmPasses({ ...build, module: new WebAssembly.Module(build.wasm) }, trace);
  const processed = pass(false).processed;
  for (const [packet, { device, time, frame }] of sent.entries()) {
    assert.equal(processed.output(packet), Number(time & 1n), `packet ${packet}: the device nf_process chose from its time`);
    const expected = frame.map((byte, at) => byte ^ ((at + device) & 0xff));
    assert.deepEqual(processed.frame(packet), expected, `packet ${packet} (${frame.length} bytes) after the NF rewrote it`);
  }
});
