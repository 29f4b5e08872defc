// What a spec compares beyond the listed header fields: an emap's values vector comes with the emap, and the frame's
// payload (every byte after the last listed header) must be the input's unless the header list ends with `...`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../../toolchain/build.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { DROP } from '../../nf-abi/index.ts';
import { holds, refuted, variantSession } from './variants.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
/** spec.py with every forwarding claim allowing any payload. */
const ANY_PAYLOAD_SPEC = readFileSync(`${BRIDGE}/spec.py`, 'utf8').replaceAll('[ether(h)])', '[ether(h), ...])');
const variant = (session: VerificationSession, bug: Variant) => variantSession(session, BRIDGE, bug);

describe('what a spec compares', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(BRIDGE)));

  test('the bridge and nop hold with a payload that travels unchanged, and with `...`', async () => {
    assert.equal(ANY_PAYLOAD_SPEC.match(/\[ether\(h\), \.\.\.\]\)/g)?.length, 3);
    holds(await session.checkFile(`${BRIDGE}/spec.py`));
    holds(await session.check('any_payload', ANY_PAYLOAD_SPEC));
    const nop = await VerificationSession.open(NOP);
    holds(await nop.checkFile(`${NOP}/spec.py`));
    holds(await nop.check('nop_any_payload', 'if packet_size < 14:\n    return ([], [])\nreturn ([1 - received_on_port], [...])\n'));
  });

  test('seeded bug: a static rule\'s output overwritten in stat_vals is caught through stat_emap', async () => {
    const bug = await variant(session, {
      name: 'overwrite-static',
      patches: [{ find: 'const output = load<i32>(staticValue);', replace: 'const output = load<i32>(staticValue);\n    store<i32>(staticValue, 1);\n    vector_set(statVals, rule, staticValue);' }],
    });
    for (const spec of ['spec.py', 'properties/static_drop.py']) {
      const failure = refuted(await bug.checkFile(`${BRIDGE}/${spec}`));
      assert.deepEqual(failure.failed, ['stat_emap: the value at each index (stat_vals)'], spec);
    }
    // Specs that do not import stat_emap claim nothing about it.
    for (const spec of ['properties/no_loop.py', 'properties/learn.py']) holds(await bug.checkFile(`${BRIDGE}/${spec}`));
  });

  test('seeded bug: the first payload byte of forwarded frames zeroed', async () => {
    const bug = await variant(session, {
      name: 'zero-payload',
      patches: [{ find: 'if (length < ETHER_HEADER) return DROP;', replace: 'if (length < ETHER_HEADER) return DROP;\n  if (length > ETHER_HEADER) store<u8>(packet + ETHER_HEADER, 0);' }],
    });
    assert.deepEqual(bug.violations(), []);
    const failure = refuted(await bug.checkFile(`${BRIDGE}/spec.py`));
    assert.deepEqual(failure.failed, ['the payload of the frame sent (every byte after the last listed header) is the input\'s']);
    const input = inputFromModel(failure.model);
    const sent = loadNf(bug.build).process(input.device, input.packet, input.now);
    assert.notEqual(sent.output, DROP, 'forwarded');
    assert.notEqual(input.packet[14], 0);
    assert.equal(sent.frame[14], 0, 'V8 sends the first payload byte zeroed');
    holds(await bug.check('any_payload', ANY_PAYLOAD_SPEC));
  });
});
