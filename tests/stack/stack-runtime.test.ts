// The stack on the emulated device: frames the device marks or sizes wrongly are dropped, and seeded stack bugs
// are caught at run time, by the device's checks of nf-abi/device.ts's rules or by outputs that differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { device } from '../../nf-abi/index.ts';
import { DeviceProtocolError } from '../../runtime/emulated-device.ts';
import { TraceBuilder, type PacketTrace } from '../../runtime/trace.ts';
import { prepareWasmPasses } from '../../runtime/wasm-runner.ts';
import { buildNf, type StackVariant } from '../../toolchain/build.ts';
import { stackedOutputs } from './run-stacked.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const NAT = fileURLToPath(new URL('../../nfs/nat', import.meta.url));

/** `count` frames of `length` bytes, alternating between devices 0 and 1, 1 µs apart. */
function frames(count: number, length: number): PacketTrace {
  const trace = new TraceBuilder();
  for (let packet = 0; packet < count; packet++) trace.add(packet % 2, BigInt(packet) * 1000n, length, false).fill(packet);
  return trace.finish(0);
}

test('frames beyond a buffer or beyond nf.json\'s frame.max are dropped; frames within pass, in bursts larger than a ring', async () => {
  const within = await stackedOutputs(NOP, frames(3000, 1514));
  for (let packet = 0; packet < within.count; packet++) assert.equal(within.sentOn(packet, 2), 1 << (1 - (packet % 2)), `packet ${packet}`);
  assert.deepEqual(within.frame(2999), new Uint8Array(1514).fill(2999 & 255));
  for (const length of [1515, device.BUFFER_BYTES + 1, 4000]) {
    const beyond = await stackedOutputs(NOP, frames(4, length));
    for (let packet = 0; packet < beyond.count; packet++) assert.equal(beyond.sentOn(packet, 2), 0, `a ${length}-byte frame`);
  }
});

/** What running nop's traffic under the stack with `variant` throws. */
async function failure(variant: StackVariant): Promise<Error> {
  try {
    await stackedOutputs(NOP, frames(600, 64), undefined, { stackVariant: variant });
  } catch (e) {
    return e as Error;
  }
  assert.fail(`the stack with "${variant.name}" ran`);
}

test('a reserved CONTROL bit written is refused by the device, naming the register and the bits', async () => {
  const error = await failure({ name: 'reserved-bit', file: 'driver.ts', patches: [{ find: 'CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);', replace: 'CONTROL_RX_ENABLE | CONTROL_TX_ENABLE | 8);' }] });
  assert.ok(error instanceof DeviceProtocolError, String(error));
  assert.match(error.message, /wrote 11 to device 0's CONTROL: reserved bits 0x8 set \(rule 1\)/);
});

test('an RX tail moved onto the head (handing the device every descriptor) is refused (rule 3)', async () => {
  const error = await failure({ name: 'tail-onto-head', file: 'driver.ts', patches: [{ find: 'while (((index + 1) & MASK) != next && ', replace: 'while (index != next && ' }] });
  assert.ok(error instanceof DeviceProtocolError, String(error));
  assert.match(error.message, /device 0's RX_TAIL: with HEAD \d+ and TAIL \d+ the device owned \d+ descriptors and would own 0: .*never onto HEAD \(rule 3\)/);
});

test('a ring set up after the device was enabled is refused (rule 2)', async () => {
  const error = await failure({
    name: 'enable-first',
    file: 'driver.ts',
    patches: [
      { find: '    write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);\n', replace: '' },
      { find: '    write_register(device, REGISTER_RX_BASE,', replace: '    write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);\n    write_register(device, REGISTER_RX_BASE,' },
    ],
  });
  assert.ok(error instanceof DeviceProtocolError, String(error));
  assert.match(error.message, /device 0's RX_BASE: a ring is set up only while its direction is disabled in CONTROL \(rule 2\)/);
});

test('a TX descriptor that sends from outside the buffers stops the device', async () => {
  const error = await failure({ name: 'tx-address', file: 'driver.ts', patches: [{ find: '<u32>rxBuffer(from, index));', replace: '<u32>rxBuffer(from, index) - 64);' }] });
  assert.ok(error instanceof DeviceProtocolError, String(error));
  assert.match(error.message, /the emulated device stopped .*TX descriptor outside its buffers/);
});

test('a stack that sends the frame as received, not as the NF rewrote it, gives the NAT\'s frames away', async () => {
  // Flows from inside, 64-byte UDP: the NAT rewrites the source of each and sends it on device 1.
  const trace = new TraceBuilder();
  for (let packet = 0; packet < 200; packet++) {
    const frame = trace.add(0, BigInt(packet) * 1000n, 64, false);
    frame.set([0x08, 0x00, 0x45], 12);
    frame.set([0, 50, 0, 0, 0, 0, 64, 17], 16);
    frame.set([10, 0, 0, 1 + (packet % 50), 8, 8, 8, 8, 0x30, 0x39, 0, 53, 0, 30], 26);
  }
  const all = trace.finish(0);
  const build = await buildNf(NAT);
  const alone = prepareWasmPasses({ ...build, module: new WebAssembly.Module(build.wasm) }, all)(false).processed;
  const stacked = await stackedOutputs(NAT, all);
  assert.equal(stacked.firstDifference(alone, 2), -1);
  assert.equal(alone.sentOn(0, 2), 2, 'the NAT sends the first frame out');
  const seeded = await stackedOutputs(NAT, all, undefined, { stackVariant: { name: 'no-copy-back', file: 'io-loop.ts', patches: [{ find: '      copyBlocks(buffer, PACKET_BASE, length);\n      send(output, from, index, length);', replace: '      send(output, from, index, length);' }] } });
  assert.equal(seeded.firstDifference(alone, 2), 0);
});

test("an NF whose static data reaches the device region is refused when the stack starts, saying why", async () => {
  const bigData = { name: 'big-data', patches: [{ find: 'export function nf_init(): void {}', replace: 'const BIG = memory.data(0x200000);\nexport function nf_init(): void { store<u8>(BIG, 1); }' }] };
  await assert.rejects(stackedOutputs(NOP, frames(4, 64), undefined, { variant: bigData }), (e: Error) => /the stack could not start: nop's static data reaches the stack's device region at 1048576/.test(e.message));
});
