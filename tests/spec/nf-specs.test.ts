// Every spec and property file of nop, bridge, nat and fw passes the front-end, in the dialect its form says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeSpec } from '../../engine/spec/frontend/analyze.ts';
import { formatDiagnostic } from '../../engine/spec/frontend/diagnostic.ts';
import { listProperties, propertiesFolder } from '../../engine/spec/frontend/property-files.ts';
import { loadManifest } from '../../nf-abi/index.ts';
import { nfDir, repositoryRoot } from './helpers.ts';

const BRIDGE_PROPERTIES = ['broadcast', 'drop_or_forward', 'learn', 'no_loop', 'refresh', 'static_drop', 'table_updates'];
const NAT_PROPERTIES = [
  'block_packet_injection', 'block_unsolicited', 'ext_no_flow_alloc', 'forward_reply', 'int_alloc_flow',
  'int_refresh_flow', 'known_flow_refresh', 'new_flow_forward', 'table_updates',
];

for (const nf of ['nop', 'bridge', 'nat', 'fw']) {
  const dir = nfDir(nf);
  const manifest = loadManifest(dir);
  const specFile = { name: 'spec', file: `nfs/${nf}/spec.py`, text: readFileSync(`${dir}/spec.py`, 'utf8') };
  for (const property of [specFile, ...listProperties(dir, repositoryRoot)]) {
    test(`${nf}: ${property.file} analyses cleanly`, () => {
      const result = analyzeSpec({ ...property, manifest, lookupProperty: propertiesFolder(dir, repositoryRoot) });
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatDiagnostic).join('\n'));
      const definesSpecFunction = /^def spec\(/m.test(property.text);
      assert.equal(result.spec.dialect, definesSpecFunction ? 'function' : 'statement');
      assert.ok(result.spec.lines.own > 0);
    });
  }
  test(`${nf}: has a function-dialect property`, () => {
    assert.ok(listProperties(dir).some((p) => /^def spec\(packet, config, transmitted_packet\):/m.test(p.text)));
  });
}

test('bridge: every property of NFS.md exists', () => {
  const names = listProperties(nfDir('bridge')).map((p) => p.name);
  for (const name of BRIDGE_PROPERTIES) assert.ok(names.includes(name), `missing nfs/bridge/properties/${name}.py`);
});

test('nat: every property of NFS.md exists, and the state and config keys are NFS.md\'s', () => {
  const names = listProperties(nfDir('nat')).map((p) => p.name);
  for (const name of NAT_PROPERTIES) assert.ok(names.includes(name), `missing nfs/nat/properties/${name}.py`);
  const manifest = loadManifest(nfDir('nat'));
  assert.deepEqual(manifest.state.map((s) => [s.name, s.kind, s.record]), [['flow_emap', 'emap', 'FlowId']]);
  assert.deepEqual(manifest.records.FlowId!.map((f) => `${f.name}:${f.type}`), ['sp:u16', 'dp:u16', 'sip:u32', 'dip:u32', 'idev:u16', 'prot:u8']);
  assert.deepEqual(Object.keys(manifest.config).sort(), ['capacity', 'expiration_time', 'ext_ip', 'start_port']);
});

test('fw: every property of NFS.md exists, and the state and config keys are NFS.md\'s', () => {
  const names = listProperties(nfDir('fw')).map((p) => p.name);
  for (const name of ['block_unsolicited', 'flowtable_refresh', 'outbound_forward', 'outbound_open_flow', 'reply_forward']) {
    assert.ok(names.includes(name), `missing nfs/fw/properties/${name}.py`);
  }
  const manifest = loadManifest(nfDir('fw'));
  assert.deepEqual(manifest.state.map((s) => [s.name, s.kind]), [['flow_emap', 'emap'], ['int_devices', 'vector']]);
  assert.deepEqual(manifest.records.FlowId!.map((f) => `${f.name}:${f.type}`), ['sp:u16', 'dp:u16', 'sip:u32', 'dip:u32', 'prot:u8']);
  assert.deepEqual(Object.keys(manifest.config).sort(), ['capacity', 'expiration_time']);
});

test('bridge: the manifest declares the spec-facing state of NFS.md', () => {
  const manifest = loadManifest(nfDir('bridge'));
  const kinds = Object.fromEntries(manifest.state.map((s) => [s.name, `${s.kind}:${s.record}`]));
  assert.deepEqual(kinds, { dyn_emap: 'emap:ether_addr', dyn_vals: 'vector:DynamicValue', stat_emap: 'emap:StaticKey', stat_vals: 'vector:StaticValue' });
  // Specs see stat_emap as Vigor's map from static key to output device: the values live in stat_vals.
  assert.equal(manifest.state.find((s) => s.name === 'stat_emap')?.values, 'stat_vals');
  assert.deepEqual(manifest.records.StaticKey, [{ name: 'addr', type: 'bytes:6' }, { name: 'device', type: 'u16' }]);
  assert.deepEqual(manifest.records.DynamicValue, [{ name: 'output_port', type: 'u16', below: 'devices' }]);
  assert.equal(manifest.config.capacity?.value, 65536);
});

test('bridge: properties that import table_updates compare the tables it imports', () => {
  const dir = nfDir('bridge');
  const broadcast = listProperties(dir).find((p) => p.name === 'broadcast')!;
  const result = analyzeSpec({ ...broadcast, manifest: loadManifest(dir), lookupProperty: propertiesFolder(dir) });
  assert.ok(result.ok);
  assert.deepEqual(result.spec.imports, ['table_updates']);
  assert.deepEqual(result.spec.stateObjects, ['dyn_emap', 'dyn_vals', 'stat_emap']);
  assert.ok(result.spec.lines.withImports > result.spec.lines.own);
});
