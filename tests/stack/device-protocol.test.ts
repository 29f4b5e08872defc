// The device protocol has one set of values in every language: nf-abi/c/device.h agrees with nf-abi/device.ts,
// REGISTER_NAMES names every register, and the device region's parts do not overlap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { device, deviceRegionEnd, LIBVIG_REGION_BASE, MEMORY_BASE, REGISTER_NAMES } from '../../nf-abi/index.ts';

const numbers = Object.fromEntries(Object.entries(device).filter(([, value]) => typeof value === 'number')) as Record<string, number>;

/** The names and values of c/device.h's enum, one `NAME = value,` a line. */
function cMirror(): Record<string, number> {
  const header = readFileSync(new URL('../../nf-abi/c/device.h', import.meta.url), 'utf8');
  return Object.fromEntries([...header.matchAll(/^\s+([A-Z][A-Z0-9_]*) = (-?0x[0-9a-f]+|-?\d+),$/gm)].map(([, name, value]) => [name!, Number(value)]));
}

test('nf-abi/c/device.h defines every number of nf-abi/device.ts, with the same value, and nothing else', () => {
  assert.deepEqual(cMirror(), numbers);
});

test('REGISTER_NAMES names each register at its index, and every register is named', () => {
  const registers = Object.entries(numbers).filter(([name]) => name.startsWith('REGISTER_') && name !== 'REGISTER_COUNT');
  assert.equal(registers.length, device.REGISTER_COUNT);
  for (const [name, index] of registers) assert.equal(REGISTER_NAMES[index], name.slice('REGISTER_'.length));
});

test("a device's rings, driver state and buffers follow each other without overlap, above the NF's data", () => {
  const ring = device.MAX_RING_SIZE * device.DESCRIPTOR_BYTES;
  assert.ok(device.TX_RING_OFFSET >= device.RX_RING_OFFSET + ring);
  assert.ok(device.DRIVER_STATE_OFFSET >= device.TX_RING_OFFSET + ring);
  assert.ok(device.BUFFERS_OFFSET > device.DRIVER_STATE_OFFSET);
  assert.equal(device.DEVICE_STRIDE, device.BUFFERS_OFFSET + device.MAX_RING_SIZE * device.BUFFER_BYTES);
  assert.ok(device.DEVICE_REGION_BASE > MEMORY_BASE);
  assert.equal(deviceRegionEnd(2) - deviceRegionEnd(1), device.DEVICE_STRIDE);
  // nf.json's most devices (its schema's bound) is what the region holds below libVig's.
  const schema = JSON.parse(readFileSync(new URL('../../nf-abi/nf.schema.json', import.meta.url), 'utf8')) as { properties: { devices: { maximum: number } } };
  const most = schema.properties.devices.maximum;
  assert.ok(deviceRegionEnd(most) <= LIBVIG_REGION_BASE && deviceRegionEnd(most + 1) > LIBVIG_REGION_BASE, `${most} devices end at ${deviceRegionEnd(most)}`);
  // CONTROL's reserved bits are exactly the bits that enable nothing.
  assert.equal(device.CONTROL_RESERVED & (device.CONTROL_RX_ENABLE | device.CONTROL_TX_ENABLE), 0);
  assert.equal(device.CONTROL_RESERVED | device.CONTROL_RX_ENABLE | device.CONTROL_TX_ENABLE, -1);
});
