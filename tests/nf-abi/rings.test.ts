// Who owns which descriptor of a ring (nf-abi/device-abi.ts), the one reading the verifier's rules and the replay's
// checker share: the device [HEAD, TAIL), the driver the rest, HEAD == TAIL a device that owns none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceOwns, finishedForDriver, ownedByDevice, type Ring } from '../../nf-abi/index.ts';

const ring = (head: number, tail: number): Ring => ({ base: 0, size: 8, head, tail });
const each = (r: Ring, owns: (r: Ring, i: number) => boolean) => Array.from({ length: r.size }, (_, i) => owns(r, i));

test('the device owns [HEAD, TAIL) and the driver the rest, wrapping around the ring', () => {
  const wrapped = ring(6, 2);
  assert.equal(ownedByDevice(wrapped), 4);
  assert.deepEqual(each(wrapped, deviceOwns), [true, true, false, false, false, false, true, true]);
  assert.deepEqual(each(wrapped, finishedForDriver), [false, false, true, true, true, true, false, false]);
});

test('HEAD == TAIL: the device owns none and every descriptor is the driver\'s (a device that sends nothing leaves RX so)', () => {
  const dry = ring(5, 5);
  assert.equal(ownedByDevice(dry), 0);
  assert.deepEqual(each(dry, deviceOwns), Array(8).fill(false));
  assert.deepEqual(each(dry, finishedForDriver), Array(8).fill(true));
});

test('a ring not set up (size 0) is nobody\'s', () => {
  const none: Ring = { base: 0, size: 0, head: 0, tail: 0 };
  assert.equal(ownedByDevice(none), 0);
  assert.equal(finishedForDriver(none, 0), false);
});
