// Exact integer arithmetic in specs (docs/spec-language.md, "Numbers"), checked against the bridge: every
// operator and rule holds where Python's integers say it does, and fails with a counterexample (replayed on the
// run-time NF) where they say it does not; a value that does not fit where it is stored fails its path, saying so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { type PropertyResult, VerificationSession } from '../../engine/session/session.ts';
import { holds, refuted, variantSession } from '../validate/variants.ts';
import { nfDir } from './helpers.ts';

const BRIDGE = nfDir('bridge');
const ETHER = 'h = pop_header(ether, on_mismatch=([], []))\n';
/** ether.type as the header field holds it: the frame's bytes 12 and 13, the first the least significant. */
const etherType = (packet: Uint8Array) => packet[12]! | (packet[13]! << 8);

/** The property fails, replayed, with a failed claim matching `label`; the counterexample's input. */
function failsWith(result: PropertyResult, label: RegExp) {
  const failure = refuted(result);
  assert.ok(failure.failed.some((f) => label.test(f)), `${label} in ${failure.failed.join(' | ')}`);
  return inputFromModel(failure.model);
}

function invalidWith(result: PropertyResult, message: RegExp): void {
  assert.equal(result.verdict, 'invalid');
  if (result.verdict !== 'invalid') return;
  assert.match(result.errors[0]!.message, message);
}

describe('exact integer arithmetic in specs', () => {
  let bridge: VerificationSession;
  before(async () => (bridge = await VerificationSession.open(BRIDGE)));

  test('+ and - never wrap: a 48-bit address plus one is larger, a device minus two is negative', async () => {
    holds(await bridge.check('add', `${ETHER}assert h.daddr + 1 > h.daddr\nassert received_on_port - 1 < received_on_port\n`));
    holds(await bridge.check('sub_negative', 'assert received_on_port - 2 < 0\nassert now - expiration_time < now\n'));
    const input = failsWith(await bridge.check('sub_not_negative', 'assert received_on_port - 2 >= 0\n'), /^assert$/);
    assert.ok(input.device < 2);
    // Early on, now - EXP_TIME is below zero (Vigor's bridge expires with it unguarded).
    const early = failsWith(await bridge.check('early', 'assert now - expiration_time >= 0\n'), /^assert$/);
    assert.ok(early.now < 300_000_000_000n);
  });

  test('* widens as far as the product needs', async () => {
    holds(await bridge.check('mul', `${ETHER}assert h.daddr * h.daddr >= h.daddr\nassert (h.type * 65536) // 65536 == h.type\n`));
    const input = failsWith(await bridge.check('mul_bound', `${ETHER}assert h.type * 2 < 65536\n`), /^assert$/);
    assert.ok(etherType(input.packet) >= 32768);
  });

  test('/ and // are integer division and % its remainder, rounding towards minus infinity', async () => {
    holds(await bridge.check('div', 'assert packet_size / 2 * 2 + packet_size % 2 == packet_size\nassert packet_size // 2 == packet_size / 2\nassert 7 / 2 == 3\nassert expiration_time / 1000 == 300000000\n'));
    const odd = failsWith(await bridge.check('div_exact', 'assert packet_size / 2 * 2 == packet_size\n'), /^assert$/);
    assert.equal(odd.length % 2, 1);
    // -3 // 2 == -2 and -3 % 2 == 1 (device 0); -2 // 2 == -1 and -2 % 2 == 0 (device 1).
    holds(await bridge.check('floor', 'x = received_on_port - 3\nassert x // 2 == received_on_port - 2\nassert x % 2 == 1 - received_on_port\nassert x % -2 == -1 + received_on_port\nassert 5 // (received_on_port - 2) == -3 - 2 * received_on_port\n'));
    const truncated = failsWith(await bridge.check('truncated', 'assert (received_on_port - 3) // 2 == -1\n'), /^assert$/);
    assert.equal(truncated.device, 0);
  });

  test('an order the path decided bounds the difference of its two values, exactly', async () => {
    const ordered = `${ETHER}if h.daddr < now:\n    assert now - h.daddr >= 1\nelse:\n    assert h.daddr - now >= 0\nif h.daddr <= now:\n    assert now - h.daddr >= 0\nelse:\n    assert h.daddr - now >= 1\n`;
    holds(await bridge.check('ordered', ordered));
    // The bounds are the least the difference can be, no more: equal values and neighbours are counterexamples.
    const next = failsWith(await bridge.check('ordered_by_two', `${ETHER}if h.daddr < now:\n    assert now - h.daddr >= 2\n`), /^assert$/);
    // h.daddr as the header field holds it: the frame's bytes 0 to 5, the first the least significant.
    assert.equal(next.now, BigInt(`0x${Buffer.from(next.packet.subarray(0, 6)).reverse().toString('hex')}`) + 1n);
    failsWith(await bridge.check('ordered_equal', `${ETHER}if not (h.daddr < now):\n    assert h.daddr - now >= 1\n`), /^assert$/);
  });

  test('a product by a constant divided by a constant is exact, where it fits 64 bits and beyond', async () => {
    // now * 1.25e9 fits 64 bits up to now = 14,757,395,258: the quotient is both the 64-bit one and now * 5 // 4.
    holds(await bridge.check('scaled', 'assert now * 1250000000 // 1000000000 == now + now // 4\nassert now * 6 // 4 == now * 3 // 2\n'));
    const small = failsWith(await bridge.check('scaled_small', 'assert now * 1250000000 // 1000000000 != 12345\n'), /^assert$/);
    assert.equal(small.now, 9876n);
    const large = failsWith(await bridge.check('scaled_large', 'assert now * 1250000000 // 1000000000 != 20000000000\n'), /^assert$/);
    assert.equal(large.now, 16_000_000_000n);
  });

  test('a divisor that can be 0 fails the path that divides by it; one that cannot holds', async () => {
    holds(await bridge.check('div_guarded', 'if received_on_port != 0:\n    assert 10 // received_on_port == 10\n    assert 10 % received_on_port == 0\n'));
    const input = failsWith(await bridge.check('div_zero', 'assert 10 // received_on_port >= 0\n'), /division by zero/);
    assert.equal(input.device, 0);
    failsWith(await bridge.check('mod_zero', 'assert 10 % received_on_port >= 0\n'), /division by zero/);
    invalidWith(await bridge.check('div_constant_zero', 'x = received_on_port // 0\n'), /ZeroDivisionError/);
  });

  test('<< and >> shift exact integers; a negative amount fails the path', async () => {
    holds(await bridge.check('shifts', `${ETHER}assert (h.type << 16) >> 16 == h.type\nassert (h.type << 40) > h.type or h.type == 0\nassert (received_on_port - 2) >> 1 == -1\nassert h.type >> 16 == 0\nassert h.type >> 100 == 0\nassert 1 << (h.type & 63) > 0\n`));
    const input = failsWith(await bridge.check('shl_bound', `${ETHER}assert h.type << 1 < 65536\n`), /^assert$/);
    assert.ok(etherType(input.packet) >= 32768);
    const negative = failsWith(await bridge.check('shift_negative', 'x = 1 << (received_on_port - 1)\n'), /negative shift count/);
    assert.equal(negative.device, 0);
    invalidWith(await bridge.check('shift_huge', `${ETHER}x = 1 << h.type\n`), /beyond the 1024/);
  });

  test('& | ^ ~ act on two\'s complement of unbounded width, as in Python', async () => {
    holds(await bridge.check('bitwise', `${ETHER}d = received_on_port - 2\nassert d & 1 == received_on_port & 1\nassert ~received_on_port == -1 - received_on_port\nassert (h.type | -65536) < 0\nassert (h.type ^ -1) == -1 - h.type\nassert (d & 0xff) == 254 + received_on_port\nassert -h.type <= 0\n`));
    failsWith(await bridge.check('invert', 'assert ~received_on_port >= 0\n'), /^assert$/);
  });

  test('comparisons with NF values are exact: no constant is cut to a field\'s width', async () => {
    holds(await bridge.check('no_cut', `${ETHER}if h.type == 0x10008:\n    assert False\nassert h.type > -1\nassert not (h.type < 0)\n`));
    const input = failsWith(await bridge.check('cut', `${ETHER}if h.type == 8:\n    assert False\n`), /^assert$/);
    assert.equal(etherType(input.packet), 8);
    // StaticValue.output is an i32: the static drop rule reads as -2.
    holds(await bridge.check('signed_field', `${ETHER}k = StaticKeyc(h.daddr, received_on_port)\nif stat_emap.has(k):\n    assert stat_emap.get(k) == -2\n    assert stat_emap.get(k) < 0\n`));
  });

  test('a value too wide for the record field it is stored into fails that path, naming the field', async () => {
    holds(await bridge.check('fits', `${ETHER}r = DynamicValuec((h.type + 1) % 65536)\ns = StaticValuec(-2)\nassert s.output == -2 and r.output_port <= 65535\n`));
    const input = failsWith(await bridge.check('too_wide', `${ETHER}r = DynamicValuec(h.type + 1)\n`), /^DynamicValue\.output_port: the spec stores a value, which does not fit in 16 bits \(0\.\.65535\)$/);
    assert.equal(etherType(input.packet), 0xffff);
    failsWith(await bridge.check('negative_field', 'r = DynamicValuec(received_on_port - 2)\n'), /^DynamicValue\.output_port: .* does not fit in 16 bits/);
    failsWith(await bridge.check('constant_field', 'r = DynamicValuec(70000)\n'), /^DynamicValue\.output_port: the spec stores 70000, which does not fit/);
    failsWith(await bridge.check('signed_too_wide', 'r = StaticValuec(2 ** 31)\n'), /^StaticValue\.output: .* does not fit in 32 bits \(-2147483648\.\.2147483647\)/);
  });

  test('header fields of a returned frame: a value that fits holds, one that cannot fails naming the field', async () => {
    holds(await bridge.check('header_fits', `${ETHER}return ([...], [ether(h, daddr=h.daddr + 2 ** 48 - 2 ** 48)])\n`));
    failsWith(await bridge.check('header_too_wide', `${ETHER}return ([...], [ether(h, type=h.type + 65536)])\n`), /^ether\.type of the frame sent: .* does not fit in 16 bits/);
  });

  test('state operations: has and has_idx are exact (false for a value that does not fit), others fail the path', async () => {
    holds(await bridge.check('has_exact', `${ETHER}assert not dyn_emap.has(h.saddr + 2 ** 48)\nassert not dyn_emap.has_idx(received_on_port - 2)\nassert not dyn_emap.has_idx(2 ** 32 + received_on_port)\n`));
    failsWith(await bridge.check('has_fits', `${ETHER}assert not dyn_emap.has(h.saddr)\n`), /^assert$/);
    const input = failsWith(await bridge.check('get_too_wide', `${ETHER}if dyn_emap.has(h.saddr):\n    i = dyn_emap.get(h.saddr - 1)\n`), /^dyn_emap\.get's key: .* does not fit in 48 bits/);
    assert.deepEqual([...input.packet.subarray(6, 12)], [0, 0, 0, 0, 0, 0]);
    failsWith(await bridge.check('time_too_wide', 'dyn_emap.refresh_idx(0, now + 2 ** 63)\n'), /^dyn_emap\.refresh_idx's time: .* does not fit in 64 bits/);
  });

  test('expire_all: a time before every stamp removes nothing, a later one removes entries, one beyond libVig\'s times fails', async () => {
    const known = `${ETHER}known = dyn_emap.has(h.saddr)\n`;
    holds(await bridge.check('expire_negative', `${known}dyn_emap.expire_all(now - 2 ** 70)\nassert dyn_emap.has(h.saddr) == known\ndyn_emap.expire_all(-1)\nassert dyn_emap.has(h.saddr) == known\n`));
    holds(await bridge.check('expire_all_entries', `${ETHER}if now < expiration_time:\n    dyn_emap.expire_all(now + 1)\n    assert not dyn_emap.has(h.saddr)\n`));
    failsWith(await bridge.check('expire_some', `${known}dyn_emap.expire_all(now - 1)\nassert dyn_emap.has(h.saddr) == known\n`), /^assert$/);
    failsWith(await bridge.check('expire_beyond', 'dyn_emap.expire_all(2 ** 63 + now)\n'), /^dyn_emap\.expire_all's time: .* does not fit in 64 bits/);
  });

  test('Vigor\'s unguarded expiry holds on the bridge, and on a bridge that expires unguarded too', async () => {
    const tableUpdates = `${BRIDGE}/properties/table_updates.py`;
    assert.match(readFileSync(tableUpdates, 'utf8'), /^dyn_emap\.expire_all\(now - EXPIRATION_TIME\)$/m, 'no guard around the expiry');
    holds(await bridge.checkFile(tableUpdates));
    // The NF expiring at a negative time early on removes nothing, as the spec says: an equivalent variant.
    const unguarded = await variantSession(bridge, BRIDGE, {
      name: 'unguarded-expiry',
      patches: [{ find: 'if (<i64>EXPIRATION_TIME <= now) emap_expire(', replace: 'emap_expire(' }],
    });
    holds(await unguarded.checkFile(tableUpdates));
    holds(await unguarded.checkFile(`${BRIDGE}/spec.py`));
  });

  test('the function dialect computes exactly too', async () => {
    holds(await bridge.check('fn_exact', 'def spec(packet, config, transmitted_packet):\n    assert packet.device - 2 < 0\n    assert packet.time - config["expiration_time"] < packet.time\n    assert packet.length / 2 <= packet.length\n'));
    failsWith(await bridge.check('fn_fails', 'def spec(packet, config, transmitted_packet):\n    assert packet.time - config["expiration_time"] >= 0\n'), /^assert$/);
  });
});
