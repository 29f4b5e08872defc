// 802.1D 7.8: the bridge never learns a group source address, and the verifier proves what follows from it
// (broadcasts are flooded) through dyn_emap's key invariant (nf.json key_invariant): assumed of the state before a
// packet, checked at every emap_add. With config learn_group_sources (Vigor 1.0's behaviour) it is off and the
// broadcast property fails; an NF that adds a key breaking it has an `invariant` violation whose replay reproduces.
// The C twin verifies alike; a change of nf.json reuses no traces of the old config.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { emapAdd, emapBase, EmapQueries, type EmapObject } from '../../engine/ghost/emap.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { loadTraces, saveTraces } from '../../engine/session/trace-cache.ts';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { DROP } from '../../nf-abi/index.ts';
import { holds, refuted, seededVariant, variantSession } from './variants.ts';
import { unlessInstalled } from '../tools.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
// Two folders below the repository's root, as nfs/bridge is: its sources include nf-abi/ by relative path.
const cache = fileURLToPath(new URL('../../.cache', import.meta.url));
mkdirSync(cache, { recursive: true });
const copies: string[] = [];
after(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the bridge (sources, specs, properties) whose nf.json is changed by `edit`, as a user would. */
function bridgeCopy(name: string, edit: (manifest: any) => void): string {
  const dir = mkdtempSync(join(cache, `bridge-${name}-`));
  copies.push(dir);
  cpSync(BRIDGE, dir, { recursive: true });
  editManifest(dir, edit);
  return dir;
}

function editManifest(dir: string, edit: (manifest: any) => void): void {
  const manifest = JSON.parse(readFileSync(join(BRIDGE, 'nf.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'nf.json'), JSON.stringify(manifest));
}

const BROADCAST = join(BRIDGE, 'properties/broadcast.py');

/** The learning of Vigor 1.0's bridge spec: every source address, group or not. */
const VIGOR_LEARNING = `from state import dyn_emap, dyn_vals
h = pop_header(ether, on_mismatch=([], []))
if expiration_time <= now:
    dyn_emap.expire_all(now - expiration_time)
if dyn_emap.has(h.saddr):
    dyn_emap.refresh_idx(dyn_emap.get(h.saddr), now)
elif not dyn_emap.full():
    dyn_emap.add(h.saddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))
`;

/** Of keys the NF need not look up: the state before any packet never holds the broadcast address. */
const BROADCAST_NEVER_KEPT = `def spec(packet, config, transmitted_packet):
    assert mac("ff:ff:ff:ff:ff:ff") not in ExpiringSet(ether_addr).old
`;

const wire = (packet: Uint8Array, from: number) => Array.from(packet.slice(from, from + 6), (b) => b.toString(16).padStart(2, '0')).join(':');

describe('bridge: group source addresses are never learned, so broadcasts are flooded', () => {
  let bridge: VerificationSession;
  before(async () => (bridge = await VerificationSession.open(BRIDGE)));

  test('default config: the broadcast property and spec.py hold, and the NF has no violation', async () => {
    assert.deepEqual(bridge.violations(), []);
    holds(await bridge.checkFile(BROADCAST));
    holds(await bridge.checkFile(join(BRIDGE, 'spec.py')));
  });

  test('the state before a packet never holds the broadcast address, also in traces read back from the disk cache', async () => {
    holds(await bridge.check('broadcast_never_kept', BROADCAST_NEVER_KEPT));
    const dir = bridgeCopy('traces', () => undefined);
    saveTraces(join(dir, 'traces.json'), bridge.exploration);
    const reloaded = Object.assign(Object.create(VerificationSession.prototype), bridge, { exploration: loadTraces(join(dir, 'traces.json'), bridge.build)! });
    holds(await reloaded.check('broadcast_never_kept', BROADCAST_NEVER_KEPT));
  });

  test('setting learn_group_sources in nf.json takes effect at the next open: no traces of the old config are reused', async () => {
    const dir = bridgeCopy('switched', () => undefined);
    holds(await (await VerificationSession.open(dir)).checkFile(BROADCAST));
    editManifest(dir, (m) => (m.config.learn_group_sources.value = 1));
    refuted(await (await VerificationSession.open(dir)).checkFile(BROADCAST));
  });

  test('default config: Vigor 1.0\'s learning (every source) fails on a group source, shown, replayed', async () => {
    const failure = refuted(await bridge.check('vigor_learning', VIGOR_LEARNING));
    const { packet } = inputFromModel(failure.model);
    assert.equal(packet[6]! & 1, 1, `the source ${wire(packet, 6)} is a group address`);
  });

  test('learn_group_sources set: broadcast fails (a broadcast is dropped, not flooded); Vigor\'s learning and spec.py hold', async () => {
    const vigorLike = await VerificationSession.open(bridgeCopy('vigor-like', (m) => (m.config.learn_group_sources.value = 1)));
    assert.deepEqual(vigorLike.violations(), []);
    const failure = refuted(await vigorLike.checkFile(BROADCAST));
    const { packet } = inputFromModel(failure.model);
    assert.equal(wire(packet, 0), 'ff:ff:ff:ff:ff:ff');
    assert.equal(failure.nfOutput, BigInt.asUintN(32, BigInt(DROP)), 'the broadcast address was learned on the input device');
    holds(await vigorLike.check('vigor_learning', VIGOR_LEARNING));
    refuted(await vigorLike.check('broadcast_never_kept', BROADCAST_NEVER_KEPT));
    holds(await vigorLike.checkFile(join(BRIDGE, 'spec.py')));
  });

  test('the C twin verifies alike: no violation, broadcast and spec.py hold', { skip: unlessInstalled('clang') }, async () => {
    const twin = await VerificationSession.open(bridgeCopy('c-twin', (m) => (m.source = 'bridge.c')));
    assert.deepEqual(twin.violations(), []);
    holds(await twin.checkFile(BROADCAST));
    holds(await twin.checkFile(join(BRIDGE, 'spec.py')));
  });

  test('seeded bug: the bridge learns group sources again; an invariant violation at the add, replayed', async () => {
    const bug = await variantSession(bridge, BRIDGE, seededVariant('bridge-learn-group-sources'));
    // One per path that reaches the add (with and without an expiry before it).
    const violations = bug.violations();
    assert.ok(violations.length > 0);
    for (const { violation, replay } of violations) {
      assert.equal(violation.kind, 'invariant');
      assert.match(violation.message, /^emap_add on dyn_emap adds a key whose addr_bytes is mac\("[0-9a-f]{2}(:[0-9a-f]{2}){5}"\), a group address: nf.json's key_invariant on dyn_emap says addr_bytes is not_group \(unless config learn_group_sources is set\)$/);
      assert.ok(replay.reproduced, replay.observed);
      const { packet } = inputFromModel(violation.model);
      assert.equal(packet[6]! & 1, 1, `the learned source ${wire(packet, 6)} is a group address`);
      assert.match(replay.observed, new RegExp(`dyn_emap's key mac\\("${wire(packet, 6)}"\\) was absent before and is at index \\d+ after`));
    }
  });

  test('the invariant holds of what nf_init leaves: static rules for group addresses break one declared on stat_emap', async () => {
    const dir = bridgeCopy('static-invariant', (m) => (m.state[2].key_invariant = { field: 'addr', is: 'not_group' }));
    const session = await VerificationSession.open(dir);
    const [first, ...rest] = session.violations();
    assert.equal(rest.length, 0);
    assert.equal(first!.violation.kind, 'invariant');
    assert.match(first!.violation.message, /adds a key whose addr is mac\("01:80:c2:00:00:00"\), a group address/);
    assert.ok(first!.replay.reproduced, first!.replay.observed);
  });
});

describe('ghost emap: a key invariant is assumed of every key of an arbitrary state', () => {
  const notGroup = (key: T.Term) => T.eq(T.extract(0, 0, key), T.bv(0, 1));
  const object: EmapObject = { name: 'm', capacity: 8, keyBits: 48, keyInvariant: notGroup };
  const key = T.variable('k', 48);
  const index = T.variable('i', 32);
  const group = T.not(notGroup(key));
  let solver: Solver;
  before(async () => (solver = await Solver.create()));

  /** Can `goal` hold together with the facts its queries implied? */
  function possible(goal: (q: EmapQueries) => T.Term, ...assumptions: T.Term[]): boolean {
    const facts: T.Term[] = [];
    const term = goal(new EmapQueries({ now: T.bv(0, 64) }, facts));
    const answer = solver.check([...assumptions, ...facts], term);
    assert.notEqual(answer.status, 'unknown');
    return answer.status === 'sat';
  }

  test('the base holds no group key, by key or by index; without the invariant it may', () => {
    assert.equal(possible((q) => q.has(emapBase(object), key), group), false);
    assert.equal(possible((q) => T.and(q.allocated(emapBase(object), index), T.not(notGroup(q.keyOf(emapBase(object), index))))), false);
    assert.equal(possible((q) => q.has(emapBase({ ...object, keyInvariant: null }), key), group), true);
  });

  test('an add over the base holds what it added (the contracts check that key), and nothing else breaks it', () => {
    const added = emapAdd(emapBase(object), key, T.bv(3, 32), T.bv(0, 64));
    const other = T.variable('o', 48);
    assert.equal(possible((q) => q.has(added, key), group), true);
    assert.equal(possible((q) => T.and(q.has(added, other), T.not(T.eq(other, key))), T.not(notGroup(other))), false);
  });
});
