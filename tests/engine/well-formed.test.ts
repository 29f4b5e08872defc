// Well-formed output with no spec: an NF that decrements the TTL without fixing the IPv4 checksum, rewrites a TCP
// port without fixing the TCP checksum, computes the header checksum afresh a word short, or zeroes the frame's
// last byte, gets a `checksum` violation whose input, run in V8, leaves with the broken checksum; the RFC 1624
// update gives none, nor do the checksum computed afresh, an update per changed word, or a last byte zeroed past
// the datagram or put back; NFs that write no IPv4 byte cost no query.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, type NfBuild, type Variant } from '../../toolchain/build.ts';
import { exploreNf, INPUT, inputFromModel, type NfExploration } from '../../engine/nf/explore-nf.ts';
import { checkWellFormed, frameChecksums } from '../../engine/nf/well-formed.ts';
import * as T from '../../engine/solver/term.ts';
import type { Solver } from '../../engine/solver/z3.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { EngineError } from '../../engine/symbex/violations.ts';
import { DROP, ipv4ChecksumValid, transportChecksumValid } from '../../nf-abi/index.ts';

const TTL = fileURLToPath(new URL('../programs/nfs/ttl', import.meta.url));
const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const FRAME_MAX = 1514;

/** Whether a concrete frame's checksums are there and valid, by the engine's symbolic arithmetic folded to constants. */
function engineChecksums(bytes: Uint8Array): Record<'ipv4' | 'tcpudp', { present: boolean; valid: boolean }> {
  const byte = (i: number) => T.bv(bytes[i] ?? 0, 8);
  const found = frameChecksums({ at: byte, atComputed: (offset) => byte(Number(offset.value)) }, T.bv(bytes.length, 32), FRAME_MAX);
  const value = (t: T.Term) => T.evaluate(t, T.emptyAssignment()) === 1n;
  return { ipv4: { present: value(found.ipv4.present), valid: value(found.ipv4.valid) }, tcpudp: { present: value(found.tcpudp.present), valid: value(found.tcpudp.valid) } };
}

/** The same by nf-abi's concrete rule (the one replays check with): null when absent. */
const concrete = (bytes: Uint8Array) => ({ ipv4: ipv4ChecksumValid(bytes), tcpudp: transportChecksumValid(bytes) });

/** Both rules agree on a frame; its checksums by them. */
function checksums(bytes: Uint8Array): ReturnType<typeof concrete> {
  const engine = engineChecksums(bytes);
  const expected = concrete(bytes);
  for (const header of ['ipv4', 'tcpudp'] as const) {
    const present = engine[header].present;
    // A UDP checksum of 0 is "none": absent for the engine, valid for the concrete rule.
    const zeroUdp = header === 'tcpudp' && !present && expected.tcpudp === true;
    if (!zeroUdp) assert.deepEqual(present ? engine[header].valid : null, expected[header], `${header} by both rules`);
  }
  return expected;
}

/** A UDP/IPv4 frame (RFC 1071 style example with known-good checksums: IPv4 0xb861, UDP 0x0000 = none). */
function frame(): Uint8Array {
  const ether = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00];
  const ipv4 = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7];
  const rest = new Array<number>(0x73 - 20).fill(0);
  return Uint8Array.from([...ether, ...ipv4, ...rest]);
}

async function explore(variant?: Variant): Promise<{ build: NfBuild; run: NfExploration }> {
  const build = await buildNf(TTL, variant ? { variant } : {});
  return { build, run: await exploreNf(build) };
}

/** Each checksum violation of `header`: the input, a short frame, is forwarded with a valid checksum and leaves V8 with it broken. */
function reproduced(build: NfBuild, run: NfExploration, header: 'ipv4' | 'tcpudp'): void {
  const found = run.violations.filter((v) => v.kind === 'checksum' && v.evidence?.kind === 'bad-checksum' && v.evidence.header === header);
  assert.ok(found.length > 0, `a ${header} checksum violation (got ${run.violations.map((v) => v.kind).join(', ') || 'none'})`);
  for (const violation of found) {
    assert.match(violation.location, /\.variant-[a-z]+\.ts:\d+$/, 'located at the NF source line that returns');
    assert.match(violation.message, /invalid .*checksum.*RFC 1624/);
    const input = inputFromModel(violation.model);
    // Each of these paths allows a short frame; a counterexample of a thousand bytes reads worse and hides nothing more.
    assert.ok(input.packet.length <= 64, `a short frame: ${input.packet.length} bytes`);
    assert.equal(checksums(input.packet)[header], true, 'the received checksum is valid');
    const sent = loadNf(build).process(input.device, input.packet, input.now);
    assert.notEqual(sent.output, DROP);
    assert.equal(checksums(sent.frame)[header], false, 'V8 sends the frame with the checksum broken');
  }
}

describe('well-formed output: checksums stay valid', () => {
  test('the checksum arithmetic on a known frame', () => {
    const good = frame();
    assert.deepEqual(checksums(good), { ipv4: true, tcpudp: true });
    const bad = frame();
    bad[14 + 8]! -= 1; // TTL decremented, checksum left alone
    assert.equal(checksums(bad).ipv4, false);
    bad[14 + 10]! += 1; // RFC 1624: the checksum's high byte follows the TTL's
    assert.equal(checksums(bad).ipv4, true);
    bad[14 + 20 + 6] = 0x12; // a UDP checksum that is not "none", and wrong
    assert.equal(checksums(bad).tcpudp, false);
  });

  test('the TTL decrement with an RFC 1624 update: no violation', async () => {
    const { run } = await explore();
    assert.deepEqual(run.violations, []);
    assert.ok(run.traces.length >= 3);
  });

  test('seeded bug: the TTL decremented, the checksum left stale', async () => {
    const { build, run } = await explore({ name: 'stale', patches: [{ find: '  store<u16>(packet + CHECKSUM, bswap<u16>(<u16>~sum));\n', replace: '' }] });
    reproduced(build, run, 'ipv4');
    assert.ok(run.violations.every((v) => v.kind === 'checksum' && v.evidence?.kind === 'bad-checksum' && v.evidence.header === 'ipv4'), 'TCP/UDP checksums do not cover the TTL');
  });

  test('seeded bug: a TCP destination port rewritten, the TCP checksum left stale', async () => {
    const { build, run } = await explore({
      name: 'port',
      patches: [{ find: '  return 1 - device; // forwarded', replace: '  if (length >= 54 && load<u8>(packet + 23) == 6) store<u16>(packet + 36, 0x9a1f);\n  return 1 - device;' }],
    });
    reproduced(build, run, 'tcpudp');
  });

  describe('checksums computed otherwise than by one RFC 1624 update', () => {
    const UPDATE = [
      '  let sum: u32 = (~<u32>bswap<u16>(load<u16>(packet + CHECKSUM)) & 0xffff) + (~before & 0xffff) + after;',
      '  sum = (sum & 0xffff) + (sum >> 16);',
      '  sum = (sum & 0xffff) + (sum >> 16);',
      '',
    ].join('\n');
    /**
     * The IPv4 header checksum computed afresh over the header (RFC 1071) of any IHL the check allows, `words` of
     * it, the carries folded back `folds` times (twice is enough; once leaves a carry when the sum's halves do).
     */
    const afresh = (name: string, allowed: string, words: string, folds = 2): Variant => ({
      name,
      patches: [{
        find: UPDATE,
        replace: [
          '  const headerBytes = (<i32>load<u8>(packet + ETHER_LEN) & 0xf) << 2;',
          `  if (!(${allowed}) || ETHER_LEN + headerBytes > length) return DROP;`,
          '  store<u16>(packet + CHECKSUM, 0);',
          '  let sum: u32 = 0;',
          `  for (let at = 0; at < ${words}; at += 2) sum += <u32>bswap<u16>(load<u16>(packet + ETHER_LEN + at));`,
          ...Array.from({ length: folds }, () => '  sum = (sum & 0xffff) + (sum >> 16);'),
          '',
        ].join('\n'),
      }],
    });

    test('the header checksum computed afresh, for every IHL: no violation', async () => {
      const { run } = await explore(afresh('afresh', 'headerBytes >= 20', 'headerBytes'));
      assert.deepEqual(run.violations, []);
    });

    test('seeded bug: computed afresh without the header\'s last word', async () => {
      const { build, run } = await explore(afresh('short', 'headerBytes == 20', 'headerBytes - 2'));
      reproduced(build, run, 'ipv4');
    });

    test('seeded bug: computed afresh with one fold, a carry lost where the sum\'s halves carry', async () => {
      // Z3 asked for a valid input whose fold carries exhausts its budget: the quick proof's frame with the carry, its
      // received checksum made valid, is the counterexample (in seconds).
      const { build, run } = await explore(afresh('onefold', 'headerBytes == 20', 'headerBytes', 1));
      reproduced(build, run, 'ipv4');
    });

    test('both TCP ports rewritten, the checksum updated once per port (RFC 1624 eqn. 3 each): no violation', async () => {
      // A step per 16-bit word: HC' = ~(~HC + ~m + m'), m the old port, m' the new one.
      const step = (at: number, port: string) => [
        `    const old${at} = <u32>bswap<u16>(load<u16>(packet + ${at}));`,
        `    store<u16>(packet + ${at}, bswap<u16>(${port}));`,
        `    let sum${at}: u32 = (~<u32>bswap<u16>(load<u16>(packet + 50)) & 0xffff) + (~old${at} & 0xffff) + <u32>bswap<u16>(load<u16>(packet + ${at}));`,
        `    sum${at} = (sum${at} >> 16) + (sum${at} & 0xffff);`,
        `    sum${at} = (sum${at} >> 16) + (sum${at} & 0xffff);`,
        `    store<u16>(packet + 50, bswap<u16>(<u16>~sum${at}));`,
      ];
      const { run } = await explore({
        name: 'twosteps',
        patches: [{
          find: '  return 1 - device; // forwarded',
          replace: [
            '  if (length >= 54 && load<u8>(packet + ETHER_LEN) == 0x45 && load<u8>(packet + 23) == 6) {',
            ...step(34, '<u16>(8080 + device)'),
            ...step(36, '<u16>(ttl * 3)'),
            '  }',
            '  return 1 - device;',
          ].join('\n'),
        }],
      });
      assert.deepEqual(run.violations, []);
    });
  });

  describe('writes at an offset of wide range (the frame\'s last byte)', () => {
    const atEnd = (name: string, replace: string): Variant => ({ name, patches: [{ find: '  return 1 - device; // forwarded', replace: `${replace}\n  return 1 - device;` }] });

    test('seeded bug: the last byte zeroed, inside the IPv4 header or the segment of a short frame', async () => {
      const { build, run } = await explore(atEnd('trailer', '  store<u8>(packet + length - 1, 0);'));
      reproduced(build, run, 'ipv4');
      reproduced(build, run, 'tcpudp');
    });

    test('the last byte zeroed only past the IPv4 header and datagram: no violation', async () => {
      const { run } = await explore(
        atEnd('padding', [
          '  const vihl = <i32>load<u8>(packet + ETHER_LEN);',
          '  const datagram = max((vihl & 0xf) << 2, <i32>bswap<u16>(load<u16>(packet + ETHER_LEN + 2)));',
          '  if (length > ETHER_LEN + datagram) store<u8>(packet + length - 1, 0);',
        ].join('\n')),
      );
      assert.deepEqual(run.violations, []);
    });

    test('the last byte zeroed and put back, or copied onto itself: no violation', async () => {
      for (const variant of [
        atEnd('restored', '  const last = load<u8>(packet + length - 1);\n  store<u8>(packet + length - 1, 0);\n  store<u8>(packet + length - 1, last);'),
        atEnd('itself', '  store<u8>(packet + length - 1, load<u8>(packet + length - 1));'),
      ]) {
        const { run } = await explore(variant);
        assert.deepEqual(run.violations, [], variant.name);
      }
    });
  });

  test('a question the solver does not answer stops the check, naming where the frame is sent and why', async () => {
    const { run } = await explore();
    const unanswered = { check: () => ({ status: 'unknown', reason: 'Z3 found no answer within its work budget' }) } as unknown as Solver;
    const again = { ...run, violations: [], figures: { ...run.figures } };
    assert.throws(
      () => checkWellFormed(again, { input: INPUT, frameMax: FRAME_MAX, locate: (offset) => `ttl.ts at ${offset}` }, unanswered),
      (e: Error) => e instanceof EngineError && /^the solver gave up while checking that the frames sent at ttl\.ts at \d+ keep valid checksums: Z3 found no answer within its work budget\. An update by RFC 1624 eqn\. 3/.test(e.message),
    );
  });

  describe('NFs that write no IPv4 byte', () => {
    let nop: NfExploration;
    before(async () => (nop = await exploreNf(await buildNf(NOP))));

    test('hold trivially, without a solver query', () => {
      const noSolver = { check: () => assert.fail('the check asked the solver') } as unknown as Solver;
      const run = { ...nop, violations: [], figures: { ...nop.figures } };
      checkWellFormed(run, { input: INPUT, frameMax: FRAME_MAX, locate: String }, noSolver);
      assert.deepEqual(run.violations, []);
      assert.deepEqual(nop.violations, []);
    });
  });
});
