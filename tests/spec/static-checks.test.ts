// Static checks against the manifest and the language, with line and column, also through imports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, bridgeManifest, errorsOf, onlyError } from './helpers.ts';

const POP = 'h = pop_header(ether, on_mismatch=([], []))\n';

test('state: an unknown state name is reported with the names that exist', () => {
  const error = onlyError('from state import dyn_emap, macs\n');
  assert.equal(error.kind, 'state');
  assert.deepEqual([error.line, error.column], [1, 29]);
  assert.match(error.message, /'macs' is not a state object of bridge/);
  for (const object of bridgeManifest.state) assert.match(error.message, new RegExp(object.name));
  // Not a path made from the NF's name: a copy of the NF elsewhere has its own nf.json.
  assert.match(error.message, /\(its nf\.json's "state"\)$/);
});

test('state: an NF without state says so', () => {
  const nop = { ...bridgeManifest, name: 'nop', state: [], records: {} };
  assert.match(onlyError('from state import macs\n', { manifest: nop }).message, /nop: it has no state objects/);
});

test('state: a state object used without import is there (not compared), and its operations are checked', () => {
  const used = analyze(`${POP}if dyn_emap.has(h.saddr):\n    pass\n`);
  assert.ok(used.ok && used.spec.stateObjects.length === 0, JSON.stringify(used));
  const error = onlyError(`${POP}dyn_vals.put(0, 1)\n`);
  assert.deepEqual([error.kind, error.line, error.column], ['state', 2, 10]);
  assert.match(error.message, /'dyn_vals' is a vector, which has no operation 'put'/);
});

test('state: an unknown operation and a wrong number of arguments', () => {
  const errors = errorsOf(`from state import dyn_emap, dyn_vals\n${POP}dyn_emap.lookup(h.saddr)\ndyn_emap.add(h.saddr, 0)\ndyn_vals.set(0)\n`);
  assert.deepEqual(errors.map((e) => [e.kind, e.line, e.column]), [['state', 3, 10], ['state', 4, 1], ['state', 5, 1]]);
  assert.match(errors[0]!.message, /an emap, which has no operation 'lookup'; its operations are has, get/);
  assert.match(errors[1]!.message, /dyn_emap.add takes 3 arguments \(key, index, time\), but is given 2/);
  assert.match(errors[2]!.message, /dyn_vals.set takes 2 arguments/);
});

test('header: an unknown field of a popped header', () => {
  const error = onlyError(`${POP}if h.dst == 1:\n    pass\n`);
  assert.equal(error.kind, 'header');
  assert.deepEqual([error.line, error.column], [2, 6]);
  assert.match(error.message, /'h' is an ether header, which has no field 'dst'; its fields are saddr, daddr, type; for 'dst' write daddr$/);
});

test('header: a field as other tools name it (Klint\'s specs, DPDK, Linux) is told what to write here; a flag is not a field', () => {
  const text = 'def spec(packet, config, transmitted_packet):\n    if packet.ipv4.time_to_live == 0 or packet.ipv4.version != 4 or packet.tcpudp.dst == 80:\n        assert transmitted_packet.ipv4.protocol == 6\n';
  const errors = errorsOf(text);
  assert.deepEqual(errors.map((e) => [e.line, e.column]), [[2, 20], [2, 53], [2, 83], [3, 40]]);
  assert.deepEqual(errors.map((e) => / for '\w+' write (.*)$/.exec(e.message)?.[1]), ['ttl', 'vihl >> 4', 'dst_port', 'npid']);
  const tcp = errorsOf('t = pop_header(tcp, on_mismatch=([], []))\nif t.ack and t.seq == 0 and t.dadr == 1:\n    pass\n');
  assert.deepEqual(tcp.map((e) => [e.column, / for '\w+' write (.*)$/.exec(e.message)?.[1]]), [[16, 'seq_no'], [31, undefined]]);
});

test('header: fields are checked per protocol, also through a copy of the variable', () => {
  const text = 'l4 = pop_header(tcpudp, on_mismatch=([], []))\nl3 = pop_header(ipv4, on_mismatch=([], []))\nip = l3\nx = l4.src_port + ip.ttl + ip.src_port\n';
  const error = onlyError(text);
  assert.deepEqual([error.line, error.column], [4, 31]);
  assert.match(error.message, /'ip' is an ipv4 header, which has no field 'src_port'/);
});

test('header: a name bound to different things is not checked', () => {
  const result = errorsOf(`${POP}h = 5\nx = h.anything\nfrom state import nothing\n`);
  assert.deepEqual(result.map((e) => e.line), [4]);
});

test('header: a function-dialect field of packet.ipv4 and of packet', () => {
  const text = 'def spec(packet, config, transmitted_packet):\n    if packet.ipv4.dadr == 0:\n        assert packet.dev == 1\n';
  const errors = errorsOf(text);
  assert.deepEqual(errors.map((e) => [e.kind, e.line, e.column]), [['header', 2, 20], ['header', 3, 23]]);
  assert.match(errors[0]!.message, /'packet.ipv4' is an ipv4 header, which has no field 'dadr'/);
  assert.match(errors[1]!.message, /'packet' is the received packet, which has no attribute 'dev'/);
});

test('header: constructor keywords and field counts', () => {
  const errors = errorsOf(`${POP}return ([1], [ether(h, src=1), ether(1, 2)])\n`);
  assert.deepEqual(errors.map((e) => [e.kind, e.line, e.column]), [['header', 2, 24], ['header', 2, 32]]);
  assert.match(errors[0]!.message, /an ether header has no field 'src'; its fields are saddr, daddr, type; for 'src' write saddr$/);
  assert.match(errors[1]!.message, /without a base header takes all 3 fields/);
});

test('header: pop_header needs a protocol and on_mismatch', () => {
  const errors = errorsOf('a = pop_header(ethernet, on_mismatch=([], []))\nb = pop_header(ether)\n');
  assert.deepEqual(errors.map((e) => [e.line, e.column]), [[1, 16], [2, 5]]);
  assert.match(errors[0]!.message, /first argument is a header protocol: ether, ipv4, tcpudp/);
  assert.match(errors[1]!.message, /needs on_mismatch=/);
});

test('constructor: a record constructor with the wrong number of arguments', () => {
  const error = onlyError(`${POP}key = StaticKeyc(h.daddr)\n`);
  assert.equal(error.kind, 'constructor');
  assert.deepEqual([error.line, error.column], [2, 7]);
  assert.match(error.message, /StaticKeyc takes 2 arguments \(addr, device\), one per field of StaticKey in nf.json, but is given 1/);
});

test('constructor: record fields by name, and fields of a record value', () => {
  const errors = errorsOf('from state import dyn_vals\nv = DynamicValuec(port=1)\nx = dyn_vals.get(0).port\n');
  assert.deepEqual(errors.map((e) => [e.line, e.column]), [[2, 19], [3, 21]]);
  assert.match(errors[0]!.message, /DynamicValue has no field 'port'; its fields are output_port/);
  assert.match(errors[1]!.message, /a DynamicValue record, which has no field 'port'/);
});

test('constructor: a spec that defines a function of the same name is not checked', () => {
  assert.throws(() => errorsOf('def StaticKeyc(x):\n    return x\nk = StaticKeyc(1)\n'), /analysed cleanly/);
});

test('config: an unknown key of config in the function dialect', () => {
  const error = onlyError('def spec(packet, config, transmitted_packet):\n    assert packet.time < config["expiry"]\n');
  assert.equal(error.kind, 'config');
  assert.deepEqual([error.line, error.column], [2, 33]);
  assert.match(error.message, /no config value 'expiry'; nf.json declares capacity, expiration_time/);
});

test('checks on imported text point into the imported property', () => {
  const cells = { lookup: `from state import dyn_emap\n${POP}known = dyn_emap.has(h.sadr)\n` };
  const error = onlyError('# uses the table\nimport lookup\nif known:\n    pass\n', { cells });
  assert.deepEqual([error.file, error.line, error.column], ['cell lookup', 3, 24]);
  assert.deepEqual(error.importedFrom, [{ file: 'test.py', line: 2, column: 1 }]);
});

test('checks on the importing text see the names its imports bind', () => {
  const cells = { pop: POP };
  const error = onlyError('import pop\nx = h.tpye\n', { cells });
  assert.deepEqual([error.file, error.line, error.column], ['test.py', 2, 7]);
  assert.match(error.message, /no field 'tpye'/);
});
