// Completion candidates at a cursor (marked | in each text).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeSpec } from '../../engine/spec/frontend/complete.ts';
import { HEADER_FIELD_NAMES } from '../../engine/spec/frontend/vocabulary.ts';
import { bridgeManifest } from './helpers.ts';

function complete(textWithCursor: string, properties: string[] = []) {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  const result = completeSpec({ text, offset, manifest: bridgeManifest, properties });
  return { ...result, labels: result.items.map((i) => i.label), typed: text.slice(result.from, result.to) };
}

test('completion: state names after from state import, without those already listed', () => {
  assert.deepEqual(complete('from state import dyn_emap, |').labels, ['dyn_vals', 'stat_emap', 'stat_vals']);
  const partial = complete('from state import st|');
  assert.deepEqual([partial.labels, partial.typed], [['stat_emap', 'stat_vals'], 'st']);
});

test('completion: properties after import', () => {
  assert.deepEqual(complete('import re|', ['learn', 'refresh', 'reply']).labels, ['refresh', 'reply']);
});

test('completion: header fields after a popped header', () => {
  assert.deepEqual(complete('h = pop_header(ipv4, on_mismatch=([], []))\nx = h.|').labels, [...HEADER_FIELD_NAMES.ipv4].sort());
  assert.deepEqual(complete('h = pop_header(ether, on_mismatch=([], []))\nif h.d|:\n    pass\n').labels, ['daddr']);
});

test('completion: operations of a state object and fields of its records', () => {
  const operations = complete('from state import dyn_vals\ndyn_vals.|');
  assert.deepEqual(operations.labels, ['get', 'set']);
  assert.match(operations.items[0]!.detail, /get\(index\)/);
  assert.deepEqual(complete('from state import dyn_vals\nx = dyn_vals.get(0).|').labels, ['output_port']);
});

test('completion: packet views and config keys in the function dialect', () => {
  const fn = 'def spec(packet, config, transmitted_packet):\n    ';
  assert.deepEqual(complete(`${fn}packet.tcpudp.|`).labels, ['dst_port', 'src_port']);
  assert.ok(complete(`${fn}transmitted_packet.|`).labels.includes('devices'));
  assert.deepEqual(complete(`${fn}x = config["|`).labels, ['capacity', 'expiration_time', 'learn_group_sources']);
});

test('completion: names of the language, the manifest and the spec', () => {
  const labels = complete('from state import dyn_emap\nlimit = 3\nx = |').labels;
  for (const name of ['pop_header', 'now', 'received_on_port', 'the_index_allocated', 'ether', 'StaticKeyc', 'DynamicValuec', 'dyn_emap', 'limit']) assert.ok(labels.includes(name), name);
  assert.deepEqual(complete('x = Stat|').labels, ['StaticKeyc', 'StaticValuec']);
});

test('completion: nothing after an expression of unknown type, or in a comment', () => {
  assert.deepEqual(complete('x = 1\nx.|').labels, []);
  assert.deepEqual(complete('# h.|').labels, []);
});
