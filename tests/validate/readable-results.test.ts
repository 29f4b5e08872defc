// Results in the NF's words (issue 19): the term printer on its own, then the text and HTML of real traces and of
// counterexamples to seeded bridge bugs: header fields, state by object and record field, DROP/FLOOD, times from
// an origin, the NF path as source lines with the branch taken, state differences by entry, the replay in HTML.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../nf-abi/index.ts';
import * as T from '../../engine/solver/term.ts';
import { describeTerm } from '../../engine/render/terms.ts';
import { showDuration, showRecord, TimeOrigin } from '../../engine/render/values.ts';
import { formatExploration } from '../../engine/render/exploration.ts';
import { nfPath } from '../../engine/render/nf-path.ts';
import { formatPropertyResult } from '../../engine/render/property.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import type { PropertyResult } from '../../engine/session/session.ts';
import { nfSummary, propertyReport } from '../../kernel/verification/report-data.ts';
import { nfSummaryBundle, verdictBundle } from '../../kernel/verification/render.ts';
import { refuted, variantSession } from './variants.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const manifest = loadManifest(BRIDGE);

const packet = T.arrayVariable('packet');
/** Frame bytes `from..to` as the NF loads them: little-endian, byte `from` lowest. */
const bytes = (from: number, to: number): Term => {
  let term = T.select(packet, T.bv(from, 32));
  for (let i = from + 1; i <= to; i++) term = T.concat(T.select(packet, T.bv(i, 32)), term);
  return term;
};
type Term = T.Term;
const device = T.variable('device', 32);
const now = T.variable('now', 64);
const daddr = bytes(0, 5);
const mac = (text: string) => BigInt(`0x${text.split(':').reverse().join('')}`);

describe('the term printer', () => {
  test('frame bytes are header fields; a constant compared with one is in its notation', () => {
    assert.equal(describeTerm(T.eq(daddr, T.bv(mac('01:80:c2:00:00:00'), 48)), manifest), '(ether.daddr == mac("01:80:c2:00:00:00"))');
    assert.equal(describeTerm(T.eq(daddr, bytes(6, 11)), manifest), '(ether.daddr == ether.saddr)');
    assert.equal(describeTerm(T.binary('and', T.select(packet, T.bv(6, 32)), T.bv(1, 8)), manifest), '(ether.saddr[0] & 1)');
    assert.equal(describeTerm(T.eq(bytes(12, 13), T.bv(0x0008, 16)), manifest), '(ether.type == ethertype(0x0800))');
    assert.equal(describeTerm(T.eq(bytes(26, 29), T.bv(0x0100000a, 32)), manifest), '(ipv4.saddr == ip("10.0.0.1"))');
    assert.equal(describeTerm(bytes(40, 41), manifest), 'packet[40..41]', 'past the fixed headers: offsets');
  });

  test('outputs read DROP and FLOOD; libVig state by object, as specs read it, and records by field', () => {
    const port = T.zext(T.apply('dyn_vals.value', [T.apply('dyn_emap.index', [daddr], 32)], 16), 16);
    assert.equal(describeTerm(T.ite(T.eq(device, port), T.bv(-1, 32), port), manifest, { output: true }),
      '(DROP if (device == dyn_vals.get(dyn_emap.get(ether.daddr)).output_port) else dyn_vals.get(dyn_emap.get(ether.daddr)).output_port)');
    assert.equal(describeTerm(T.bv(-2, 32), manifest, { output: true }), 'FLOOD');
    assert.equal(describeTerm(T.apply('dyn_emap.has', [daddr], T.BOOL), manifest), 'dyn_emap.has(ether.daddr)');
    assert.equal(describeTerm(T.apply('dyn_emap.new@base.expire', [now, bytes(6, 11), now], 32), manifest), 'the_index_allocated');
    assert.equal(describeTerm(T.compare('ule', T.variable('dyn_emap.count', 32), T.bv(65536, 32)), manifest), '(len(dyn_emap) <= 65536)');
  });

  test('a key built in memory reads as its record, and so does the constant it is compared with', () => {
    const key = T.concat(T.extract(15, 0, device), daddr);
    assert.equal(describeTerm(T.eq(key, T.bv((1n << 48n) | mac('01:80:c2:00:00:00'), 64)), manifest),
      '(StaticKey { addr: ether.daddr, device: device } == StaticKey { addr: mac("01:80:c2:00:00:00"), device: 1 })');
  });

  test('times: now minus a duration, compared in units', () => {
    assert.equal(describeTerm(T.binary('add', now, T.bv(-300_000_000_000n, 64)), manifest), '(now - 5 min)');
    assert.equal(describeTerm(T.compare('sle', T.bv(300_000_000_000n, 64), now), manifest), '(5 min <= now)');
  });

  test('conditions compiled to 0/1 numbers read as conditions; a repeated subterm is named once', () => {
    const flag = (c: Term) => T.ite(c, T.bv(1, 32), T.bv(0, 32));
    const x = T.ite(T.eq(daddr, bytes(6, 11)), T.apply('dyn_emap.new@base', [bytes(6, 11), now], 32), T.apply('dyn_emap.index', [daddr], 32));
    const either = T.eq(T.binary('or', flag(T.eq(device, x)), flag(T.eq(x, T.bv(7, 32)))), T.bv(0, 32));
    assert.equal(describeTerm(either, manifest),
      'not ((device == x1) or (x1 == 7)), where x1 = (the_index_allocated if (ether.daddr == ether.saddr) else dyn_emap.get(ether.daddr))');
  });

  test('durations, origins and records', () => {
    assert.equal(showDuration(300_000_000_000n), '5 min');
    assert.equal(showDuration(300_000_000_001n), '5 min 1 ns');
    assert.equal(showDuration(0n), '0 ns');
    const origin = new TimeOrigin(4_300_000_000_000n);
    assert.equal(origin.show(4_000_000_000_000n), 't0 - 5 min');
    assert.equal(origin.show(4_300_000_000_000n), 't0');
    assert.equal(origin.show(4_300_000_000_001n), 't0 + 1 ns');
    assert.equal(origin.origin, 't0 = 4300000000000 ns');
    assert.equal(showRecord(manifest, 'StaticKey', (1n << 48n) | mac('01:80:c2:00:00:00')), 'StaticKey { addr: mac("01:80:c2:00:00:00"), device: 1 }');
  });
});

describe('bridge results in its words', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(BRIDGE)));
  const seeded = async (name: string, find: string, replace: string, property: string) => {
    const bug = await variantSession(session, BRIDGE, { name, patches: [{ find, replace }] });
    const result = await bug.checkFile(`${BRIDGE}/${property}`);
    refuted(result);
    return { bug, result, text: formatPropertyResult(bug.exploration, result) };
  };
  /** The HTML counterexample of a failed result, as %verify shows it. */
  const html = (bug: VerificationSession, result: PropertyResult) => {
    const report = propertyReport(bug, result);
    return verdictBundle(nfSummary(bug, 'nf'), { reports: [report], table: '' })['text/html'] as string;
  };

  test('the trace table: header fields, state queries, DROP and FLOOD, no solver terms', () => {
    const text = formatExploration(session.exploration);
    for (const raw of ['packet[', '0xffffffff', '@base', '++', 'dyn_vals.value(']) assert.ok(!text.includes(raw), `no ${raw} in\n${text}`);
    assert.match(text, /output \(DROP if \(device == dyn_vals\.get\(dyn_emap\.get\(ether\.daddr\)\)\.output_port\) else dyn_vals\.get\(dyn_emap\.get\(ether\.daddr\)\)\.output_port\)/);
    assert.match(text, /output FLOOD/);
    const table = nfSummaryBundle(nfSummary(session, 'nf'))['text/html'] as string;
    assert.ok(table.includes('dyn_emap.get(ether.daddr)') && !table.includes('packet['), 'the %nf table too');
  });

  test('the NF path: source lines with their text, the branch taken, and the line that returned (falling off the end too)', () => {
    const flood = session.exploration.traces.find((trace) => trace.results[0] === -2 || trace.results[0] === 0xfffffffe)!;
    const steps = nfPath(session.exploration, flood);
    assert.deepEqual(steps[0], { at: 'nfs/bridge/bridge.ts:65', text: 'if (length < ETHER_HEADER) return DROP;', branch: 'false' });
    assert.ok(steps.some((s) => s.text === 'if (learned >= 0) {' && s.branch === 'false'), JSON.stringify(steps));
    assert.deepEqual(steps.at(-1), { at: 'nfs/bridge/bridge.ts:86', text: 'return FLOOD;', branch: 'returned' });
  });

  test('seeded hairpin: records by field, times from their origin, the returning line in the text', async () => {
    const { text } = await seeded('hairpin', 'return output == device ? DROP : output;', 'return output;', 'properties/no_loop.py');
    assert.match(text, /state before: dyn_vals\[\d+\] = DynamicValue \{ output_port: [01] \}/);
    assert.match(text, /state before: dyn_emap holds mac\("[0-9a-f:]{17}"\) at index \d+, stamped /);
    assert.match(text, /\.variant-hairpin\.ts:\d+ {2}if \(learned >= 0\) \{ {2}-> true/);
    assert.match(text, /\.variant-hairpin\.ts:\d+ {2}return output; {2}-> returned/);
    assert.match(text, /counterexample: device \d, time t0 = \d+ ns, frame/);
    assert.doesNotMatch(text, /(stamped|time) \d/, 'every time is from t0');
  });

  test('seeded never-expire: the entry on which NF and spec differ, and what each has; times from t0', async () => {
    const { text } = await seeded('never-expire', 'if (<i64>EXPIRATION_TIME <= now) emap_expire(dynEmap, now - <i64>EXPIRATION_TIME);', '', 'properties/table_updates.py');
    assert.match(text, /after the packet: dyn_emap, key mac\("[0-9a-f:]{17}"\): the NF has it at index \d+, the spec no entry for it/);
    assert.match(text, /after the packet: dyn_emap: the NF has (\d+) entries, the spec (\d+)/);
    assert.match(text, /state before: dyn_emap holds mac\("[0-9a-f:]{17}"\) at index \d+, stamped t0( - [\d a-zµ]+)?\n/);
  });

  test('a spec that expires a nanosecond early: the state difference names an entry, not only the count', async () => {
    const early = readFileSync(`${BRIDGE}/properties/table_updates.py`, 'utf8')
      .replace('EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time\n', '').replaceAll('EXPIRATION_TIME', '(expiration_time - 1)');
    const result = await session.check('early_expiry', early);
    assert.equal(result.verdict, 'fails');
    // The replay is not asserted: seeding the run-time from expiry counterexamples is an open engine issue
    // (tests/spec/meaning.test.ts meets it with this same spec).
    const text = formatPropertyResult(session.exploration, result);
    assert.match(text, /after the packet: dyn_emap, (key mac\("[0-9a-f:]{17}"\)|index \d+): the NF has .*, the spec /);
    assert.match(text, /after the packet: dyn_emap: the NF has \d+ entries, the spec \d+/);
  });

  test('seeded overwrite of a static rule: the entry by its key record and both sides\' values; HTML with the replay, left-aligned', async () => {
    const { bug, result, text } = await seeded('overwrite-static', 'const output = load<i32>(staticValue);',
      'const output = load<i32>(staticValue);\n    store<i32>(staticValue, 1);\n    vector_set(statVals, rule, staticValue);', 'spec.py');
    assert.match(text, /after the packet: stat_emap, index \d+ \(key StaticKey \{ addr: mac\("01:80:c2:00:00:00"\), device: [01] \}\): the NF has stat_vals StaticValue \{ output: 1 \}, the spec stat_vals StaticValue \{ output: \d+ \}/);
    const page = html(bug, result);
    assert.match(page, /replay on the run-time NF<\/th><td[^>]*><code>reproduced, the run-time NF returned/);
    assert.ok(page.includes('StaticKey { addr: mac(&#34;01:80:c2:00:00:00&#34;)'), 'records by field in HTML');
    assert.match(page, /return output == DROP_RULE \|\| output == device \? DROP : output; {2}-&#62; returned/);
    for (const tag of page.match(/<t[dh][ >][^>]*>/g)!) assert.match(tag, /style="text-align: (left|right)/, `every cell aligned explicitly: ${tag}`);
  });
});
