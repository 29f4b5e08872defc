// nf.json's key invariants (state "key_invariant"): the bridge's loads with the field's offset, is off while its
// config switch is set, and every malformed one is refused with a line naming the field and what is allowed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyInvariant, loadManifest, type Manifest } from '../../nf-abi/index.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-key-invariant-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The bridge's manifest with `edit` applied, loaded from a folder of its own. */
function bridgeWith(edit: (manifest: any) => void): () => Manifest {
  const manifest = JSON.parse(readFileSync(join(BRIDGE, 'nf.json'), 'utf8'));
  edit(manifest);
  const dir = mkdtempSync(join(work, 'nf-'));
  writeFileSync(join(dir, 'nf.json'), JSON.stringify(manifest));
  return () => loadManifest(dir);
}

const stateNamed = (manifest: Manifest, name: string) => manifest.state.find((s) => s.name === name);

test('the bridge: no key of dyn_emap is a group address, unless learn_group_sources is set', () => {
  const bridge = loadManifest(BRIDGE);
  assert.deepEqual(keyInvariant(bridge, stateNamed(bridge, 'dyn_emap')), {
    object: 'dyn_emap', field: 'addr_bytes', offset: 0, bytes: 6, is: 'not_group', unless: 'learn_group_sources',
  });
  assert.equal(keyInvariant(bridge, stateNamed(bridge, 'stat_emap')), null, 'none declared');
  const vigorLike = bridgeWith((m) => (m.config.learn_group_sources.value = 1))();
  assert.equal(keyInvariant(vigorLike, stateNamed(vigorLike, 'dyn_emap')), null);
  // A field after another: its offset in the key.
  const onDevice = bridgeWith((m) => {
    m.records.StaticKey = [{ name: 'device', type: 'u16' }, { name: 'addr', type: 'bytes:6' }];
    m.state[2].key_invariant = { field: 'addr', is: 'not_group' };
  })();
  assert.equal(keyInvariant(onDevice, stateNamed(onDevice, 'stat_emap'))?.offset, 2);
});

test('malformed key invariants are refused, one line each, naming the field', () => {
  const problems = (edit: (manifest: any) => void) => {
    try {
      bridgeWith(edit)();
    } catch (error) {
      return (error as Error).message.split('\n').map((line) => line.replace(/^.*nf\.json: /, ''));
    }
    return assert.fail('the manifest was accepted');
  };
  const invariant = (value: object) => (m: any) => (m.state[0].key_invariant = { field: 'addr_bytes', is: 'not_group', ...value });
  assert.deepEqual(problems(invariant({ field: 'mac' })), ['state "dyn_emap", key_invariant, field: must name a field of record "ether_addr" (addr_bytes), not "mac"']);
  assert.deepEqual(problems(invariant({ is: 'unicast' })), [
    'state "dyn_emap", key_invariant, is: must be not_group: the field is a MAC address (bytes:6) whose I/G bit, the lowest bit of its first octet, is clear (no multicast or broadcast address), not "unicast"',
  ]);
  assert.deepEqual(problems(invariant({ unless: 'learn_all' })), [
    'state "dyn_emap", key_invariant, unless: must name a config value (config values: capacity, expiration_time, learn_group_sources), not "learn_all"',
  ]);
  assert.deepEqual(problems(invariant({ when: 1 })), ['state "dyn_emap", key_invariant: "when" is not one of its fields (field, is, unless)']);
  assert.deepEqual(problems((m) => (m.state[0].key_invariant = { is: 'not_group' })), [
    'state "dyn_emap", key_invariant, field: missing; it must name a field of the emap\'s key record',
  ]);
  assert.deepEqual(problems((m) => (m.state[1].key_invariant = { field: 'output_port', is: 'not_group' })), [
    'state "dyn_vals", key_invariant: only an emap with a key record ("record") has a key invariant; state "dyn_vals" is a vector',
  ]);
  assert.deepEqual(problems((m) => (m.state[2].key_invariant = { field: 'device', is: 'not_group' })), [
    'state "stat_emap", key_invariant, field: not_group reads a MAC address, a bytes:6 field; "device" is a u16',
  ]);
});
