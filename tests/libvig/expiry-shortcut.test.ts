// emap_expire's shortcut (libvig/runtime/time-adapter.ts): a call that expires nothing is answered inside the
// adapter's WebAssembly, from the oldest stamp the run-time keeps there; every other call reaches JavaScript.
// Whether results agree with the model at and around the oldest stamp: emap.test.ts; handles that are not
// emaps: preconditions.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Emap, LibVig } from '../../libvig/runtime/index.ts';
import { REGIONS_PER_ARENA, SHORTCUT_HANDLES } from '../../libvig/runtime/time-adapter.ts';
import { freshLibVig, writeBytes } from './harness/abi-memory.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * emap_expire on one emap, checking its result and whether it reached the run-time's JavaScript (counted by
 * wrapping the emap's `expire`, which the JavaScript emap_expire calls for every emap handle).
 */
function expiryOf(libvig: LibVig, map: number): (time: bigint, expected: number, reachesJavaScript: boolean) => void {
  const emap = libvig.objects[map] as Emap;
  const expire = emap.expire.bind(emap);
  let crossings = 0;
  emap.expire = (timeLow, timeHigh) => (crossings++, expire(timeLow, timeHigh));
  return (time, expected, reachesJavaScript) => {
    const before = crossings;
    assert.equal(libvig.imports.emap_expire(map, time), expected, `emap_expire(${map}, ${time})`);
    assert.equal(crossings - before, reachesJavaScript ? 1 : 0, `emap_expire(${map}, ${time}) ${reachesJavaScript ? 'calls' : 'does not call'} JavaScript`);
  };
}

/** A 1-byte key numbered `number`, written at an address of its own. */
function key(number: number): number {
  writeBytes(number, Uint8Array.of(number));
  return number;
}

test('emap_expire: a call that expires nothing stays in WebAssembly, a due one reaches JavaScript', () => {
  const libvig = freshLibVig();
  const { imports } = libvig;
  const map = imports.emap_allocate(1, 4);
  const expire = expiryOf(libvig, map);
  expire(INT64_MIN, 0, false);
  expire(INT64_MAX, 0, false); // empty: nothing is due, up to the greatest time
  imports.emap_add(map, key(1), 10n);
  imports.emap_add(map, key(2), 20n);
  expire(INT64_MIN, 0, false);
  expire(-11n, 0, false);
  expire(9n, 0, false);
  expire(10n, 0, false); // only stamps strictly before the time expire
  expire(11n, 1, true);
  expire(20n, 0, false); // the oldest is now key 2's
  imports.emap_refresh(map, imports.emap_get(map, key(2)), 30n); // the only entry, re-stamped
  expire(21n, 0, false);
  expire(30n, 0, false);
  imports.emap_add(map, key(3), 40n);
  imports.emap_refresh(map, imports.emap_get(map, key(2)), 50n); // the oldest of two, re-stamped
  expire(40n, 0, false);
  expire(41n, 1, true);
  imports.emap_add(map, key(4), 60n);
  imports.emap_erase(map, key(2)); // the oldest, erased
  expire(60n, 0, false);
  expire(INT64_MAX, 1, true);
  expire(INT64_MAX, 0, false); // empty again
  assert.equal(imports.emap_count(map), 0);
});

test('emap_expire: each emap answers from its own oldest stamp, whatever the other handles are', () => {
  const libvig = freshLibVig();
  const { imports } = libvig;
  const early = imports.emap_allocate(1, 2);
  imports.vector_allocate(4, 2);
  const late = imports.emap_allocate(1, 2);
  const expireEarly = expiryOf(libvig, early);
  const expireLate = expiryOf(libvig, late);
  imports.emap_add(early, key(1), -100n);
  imports.emap_add(late, key(1), 2n ** 40n);
  expireLate(-99n, 0, false);
  expireLate(2n ** 40n, 0, false);
  expireEarly(-99n, 1, true);
  expireLate(2n ** 40n + 1n, 1, true);
});

test('emap_expire: an emap beyond the handles the shortcut serves still expires, through JavaScript', () => {
  const libvig = freshLibVig();
  const { imports } = libvig;
  while (libvig.objects.length < SHORTCUT_HANDLES - 1) imports.vector_allocate(1, 1);
  const lastServed = imports.emap_allocate(1, 2);
  const beyond = imports.emap_allocate(1, 2);
  assert.deepEqual([lastServed, beyond], [SHORTCUT_HANDLES - 1, SHORTCUT_HANDLES]);
  // The next run-time's store follows this one's in memory: its empty emap must not answer for `beyond`.
  freshLibVig().imports.emap_allocate(1, 2);
  const expireLastServed = expiryOf(libvig, lastServed);
  const expireBeyond = expiryOf(libvig, beyond);
  for (const map of [lastServed, beyond]) imports.emap_add(map, key(1), 5n);
  expireLastServed(5n, 0, false);
  expireBeyond(5n, 0, true);
  expireLastServed(6n, 1, true);
  expireBeyond(6n, 1, true);
});

test('emap_expire: run-times whose stores share a memory keep their own stamps, across arenas', () => {
  // Any REGIONS_PER_ARENA + 1 run-times in a row span two arenas.
  const runTimes = Array.from({ length: REGIONS_PER_ARENA + 1 }, (_, number) => {
    const libvig = freshLibVig();
    const map = libvig.imports.emap_allocate(1, 1);
    libvig.imports.emap_add(map, key(1), BigInt(number));
    return { stamp: BigInt(number), expire: expiryOf(libvig, map) };
  });
  for (const { stamp, expire } of runTimes) {
    expire(stamp, 0, false);
    expire(stamp + 1n, 1, true);
  }
});
