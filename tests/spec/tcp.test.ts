// The tcp header view (the fixed TCP header, flags by name) in both dialects: properties about flags hold where
// the NF does what they say and fail where it does not, with a counterexample that replays and shows the flags by
// name; misuse is a spec error at its line and column; completion offers the fields and flags; the verifier's
// view and the concrete decoder agree on when a frame carries it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { frameHeaders } from '../../engine/nf/frame-headers.ts';
import { formatPropertyResult } from '../../engine/render/property.ts';
import { completeSpec } from '../../engine/spec/frontend/complete.ts';
import { formatDiagnostic } from '../../engine/spec/frontend/diagnostic.ts';
import type { PropertyResult } from '../../engine/session/session.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import * as T from '../../engine/solver/term.ts';
import { decodeHeaders, loadManifest, showField, showHeaders } from '../../nf-abi/index.ts';
import { holds, refuted, variantSession } from '../validate/variants.ts';
import { analyze, onlyError } from './helpers.ts';

const SYNGATE = fileURLToPath(new URL('../../tests/programs/nfs/syngate', import.meta.url));
const manifest = loadManifest(SYNGATE);

/** A frame: Ethernet, IPv4 with `ihl` words (protocol `protocol`), then `transport` bytes. */
function frame(protocol: number, transport: number[], ihl = 5): number[] {
  const options = Array.from({ length: (ihl - 5) * 4 }, () => 1);
  return [
    ...[2, 0, 0, 0, 0, 2], ...[2, 0, 0, 0, 0, 1], 0x08, 0x00,
    0x40 | ihl, 0, 0, 40, 0, 0, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...options,
    ...transport,
  ];
}
/** A TCP header from port 1234 to port 80, sequence number 1, acknowledgement 2, 5 words, these flags. */
const tcpHeader = (flags: number) => [0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, flags, 0xff, 0xff, 0xab, 0xcd, 0, 0];

describe('the tcp view of a concrete frame', () => {
  const shown = (bytes: number[]) => Object.fromEntries(showHeaders(bytes).map((h) => [h.protocol, Object.fromEntries(h.fields.map((f) => [f.name, f.value]))]));

  test('fields in the spec language\'s notation, flags by name; a TCP frame\'s ports show once, in tcp', () => {
    const headers = shown(frame(6, tcpHeader(0x12)));
    assert.deepEqual(Object.keys(headers), ['ether', 'ipv4', 'tcp']);
    assert.deepEqual(headers.tcp, {
      src_port: 'port(1234)', dst_port: 'port(80)', seq_no: '16777216 (bytes 00 00 00 01)', ack_no: '33554432 (bytes 00 00 00 02)',
      data_off: '80', flags: 'SYN|ACK', window: '65535 (bytes ff ff)', cksum: '52651 (bytes ab cd)', urg_ptr: '0 (bytes 00 00)',
    });
    assert.equal(showField('tcp_flags', [0]), '0');
    assert.equal(showField('tcp_flags', [0xff]), 'FIN|SYN|RST|PSH|ACK|URG|ECE|CWR');
  });

  test('present only for protocol 6 with the whole fixed header at the IHL-given offset', () => {
    const protocols = (bytes: number[]) => decodeHeaders(bytes).map((h) => h.protocol);
    assert.deepEqual(protocols(frame(6, tcpHeader(2))), ['ether', 'ipv4', 'tcpudp', 'tcp']);
    assert.deepEqual(protocols(frame(6, tcpHeader(2).slice(0, 19))), ['ether', 'ipv4', 'tcpudp'], 'a byte short: only the ports');
    assert.deepEqual(protocols(frame(17, tcpHeader(2))), ['ether', 'ipv4', 'tcpudp'], 'UDP has no tcp view');
    const withOptions = decodeHeaders(frame(6, tcpHeader(4), 7)).find((h) => h.protocol === 'tcp')!;
    assert.equal(withOptions.offset, 14 + 28);
    assert.deepEqual(shown(frame(6, tcpHeader(4), 7)).tcp!.flags, 'RST');
    assert.deepEqual(Object.keys(shown(frame(17, tcpHeader(2)))), ['ether', 'ipv4', 'tcpudp']);
  });

  test('the verifier\'s views agree with the decoder: presence, offset and fields', () => {
    const frames = [frame(6, tcpHeader(0x12)), frame(6, tcpHeader(1).slice(0, 19)), frame(17, tcpHeader(2)), frame(6, tcpHeader(0x11), 6), frame(6, tcpHeader(2), 4)];
    for (const bytes of frames) {
      const byte = (i: number) => T.bv(bytes[i] ?? 0, 8);
      const value = (t: T.Term) => T.evaluate(t, T.emptyAssignment());
      const views = frameHeaders({ at: byte, atComputed: (offset) => byte(Number(value(offset))) }, T.bv(bytes.length, 32)).filter((h) => value(h.present) === 1n);
      const decoded = decodeHeaders(bytes);
      assert.deepEqual(views.map((h) => [h.protocol, Number(value(h.offset))]), decoded.map((h) => [h.protocol, h.offset]));
      for (const [at, view] of views.entries()) {
        for (const { name, bytes: wire } of decoded[at]!.fields) assert.equal(value(view.fields[name]!), wire.reduceRight((sum, b) => sum * 256n + BigInt(b), 0n), `${view.protocol}.${name}`);
      }
    }
  });
});

/** The decoded tcp line of a printed result. */
const tcpLine = (printed: string) => printed.split('\n').find((line) => line.startsWith('    tcp: ')) ?? '';
/** The flags a printed counterexample shows, by name. */
const flagsShown = (printed: string) => (/flags ([A-Z|0]+)/.exec(tcpLine(printed))?.[1] ?? '').split('|');

/** The NF's whole behaviour, in the statement dialect: the frame leaves with its headers unchanged. */
const WHOLE = `t = pop_header(tcp, on_mismatch=([], []))
l3 = pop_header(ipv4, on_mismatch=([], []))
e = pop_header(ether, on_mismatch=([], []))
if received_on_port == 0:
    if t.syn:
        return ([1], [ether(e), ipv4(l3), tcp(t)])
    return ([], [])
if t.rst:
    return ([], [])
return ([0], [ether(e), ipv4(l3), tcp(t)])
`;

/** The NAT's question: is a TCP segment without SYN from inside ever forwarded? */
const NON_SYN_FROM_INSIDE = `def spec(packet, config, transmitted_packet):
    t = packet.tcp
    if packet.device == 0 and t is not None and not t.syn:
        assert transmitted_packet is None
`;

describe('syngate: flags in both dialects (device 0: SYN passes; device 1: all but RST)', () => {
  let gate: VerificationSession;
  before(async () => (gate = await VerificationSession.open(SYNGATE)));
  const failsWith = (session: VerificationSession, result: PropertyResult) => {
    refuted(result);
    return formatPropertyResult(session.exploration, result);
  };

  test('the whole behaviour with pop_header(tcp) and tcp(t) in the returned headers: holds', async () => {
    holds(await gate.check('whole', WHOLE));
  });

  test('flags written as constants: t.flags & SYN, SYN | ACK in a comparison, mem over flag values: hold', async () => {
    holds(await gate.check('constants', `t = pop_header(tcp, on_mismatch=([...], [...]))
if received_on_port == 0 and (t.flags & SYN) == 0:
    return ([], [])
if received_on_port == 0 and t.flags == SYN | ACK:
    return ([1], [...])
`));
    holds(await gate.check('in_list', `def spec(packet, config, transmitted_packet):
    t = packet.tcp
    if t is not None and packet.device == 1 and mem(t.flags, [RST, RST | ACK]):
        assert transmitted_packet is None
`));
  });

  test('a non-SYN TCP segment from inside is never forwarded: holds; fails on a variant that passes FIN too, shown by name', async () => {
    holds(await gate.check('non_syn', NON_SYN_FROM_INSIDE));
    const leaky = await variantSession(gate, SYNGATE, { name: 'fin-passes', patches: [{ find: '(flags & SYN) != 0', replace: '(flags & (SYN | 1)) != 0' }] });
    const printed = failsWith(leaky, await leaky.check('non_syn', NON_SYN_FROM_INSIDE));
    const flags = flagsShown(printed);
    assert.ok(flags.includes('FIN') && !flags.includes('SYN'), `the counterexample's flags are FIN without SYN: ${tcpLine(printed)}`);
    assert.match(printed, /the NF: device 1/);
    assert.doesNotMatch(printed, /^ {4}tcpudp: /m, 'the ports show once, in the tcp line');
  });

  test('statement dialect: "ACK segments from inside pass" fails, the counterexample an ACK without SYN', async () => {
    const printed = failsWith(gate, await gate.check('ack_passes', `t = pop_header(tcp, on_mismatch=([...], [...]))
if received_on_port == 0 and t.ack:
    return ([1], [...])
`));
    const flags = flagsShown(printed);
    assert.ok(flags.includes('ACK') && !flags.includes('SYN'), tcpLine(printed));
    assert.match(printed, /the NF: DROP; the spec requires devices 1/);
    assert.match(tcpLine(printed), /^ {4}tcp: src_port port\(\d+\), dst_port port\(\d+\), seq_no \d+ \(bytes( [0-9a-f]{2}){4}\), .*data_off \d+, flags [A-Z|]+, window/);
  });

  test('a returned tcp header that claims other flags fails on the flags field; the function dialect sees sent flags', async () => {
    const printed = failsWith(gate, await gate.check('adds_ack', WHOLE.replace('return ([1], [ether(e), ipv4(l3), tcp(t)])', 'return ([1], [ether(e), ipv4(l3), tcp(t, flags=t.flags | ACK)])')));
    assert.match(printed, /failed: tcp\.flags of the frame sent/);
    assert.ok(!flagsShown(printed).includes('ACK'), tcpLine(printed));
    holds(await gate.check('sent_flags', `def spec(packet, config, transmitted_packet):
    if transmitted_packet is not None:
        assert transmitted_packet.tcp.flags == packet.tcp.flags
        assert transmitted_packet.device == 0 or transmitted_packet.tcp.syn
        assert transmitted_packet.device == 1 or not transmitted_packet.tcp.rst
`));
  });

  test('pop_header(tcp) returns on_mismatch where the frame has no whole TCP header: those frames are dropped', async () => {
    holds(await gate.check('tcp_only', `t = pop_header(tcp, on_mismatch=([], []))
return ([...], [...])
`));
    holds(await gate.check('tcp_only_fn', `def spec(packet, config, transmitted_packet):
    if packet.tcp is None:
        assert transmitted_packet is None
`));
    const printed = failsWith(gate, await gate.check('tcp_dropped', `t = pop_header(tcp, on_mismatch=([...], [...]))
return ([], [])
`));
    assert.match(printed, /the NF: device [01]; the spec requires DROP/);
    assert.match(tcpLine(printed), /flags /);
  });

  test('a flag of a header built with flags=... is an error at its line when the spec runs', async () => {
    const result = await gate.check('any_flags', `t = pop_header(tcp, on_mismatch=([], []))
u = tcp(t, flags=...)
if u.syn:
    pass
`);
    assert.equal(result.verdict, 'invalid');
    if (result.verdict !== 'invalid') return;
    assert.match(formatDiagnostic(result.errors[0]!), /^any_flags\.py:3:1: SpecError: tcp\(\.\.\., flags=\.\.\.\) allows any flags, so \.syn has no value$/);
  });
});

describe('misuse of the tcp view is a spec error at its line and column, before anything runs', () => {
  const POP = 't = pop_header(tcp, on_mismatch=([], []))\n';
  const FLAGS = 'its flags fin, syn, rst, psh, ack, urg, ece, cwr';
  const cases: [string, number, number, RegExp][] = [
    [`${POP}assert t.sny\n`, 2, 10, new RegExp(`^'t' is a tcp header, which has no field or flag 'sny'; its fields are src_port, dst_port, seq_no, ack_no, data_off, flags, window, cksum, urg_ptr, ${FLAGS}$`)],
    [`${POP}x = t.seq\n`, 2, 7, /^'t' is a tcp header, which has no field or flag 'seq'; its fields are src_port, dst_port, seq_no/],
    [`${POP}return ([1], [tcp(t, syn=1)])\n`, 2, 22, /^a tcp header has no field 'syn'; its fields are .*; syn is a flag: set it with flags=h\.flags \| SYN$/],
    [`${POP}return ([1], [tcp(1, 2, 3)])\n`, 2, 15, /^tcp\(\.\.\.\) without a base header takes all 9 fields \(src_port, dst_port, seq_no, ack_no, data_off, flags, window, cksum, urg_ptr\), but is given 3/],
    [`def spec(packet, config, transmitted_packet):\n    assert packet.tcp.fin_flag\n`, 2, 23, /^'packet\.tcp' is a tcp header, which has no field or flag 'fin_flag'/],
    [`h = pop_header(tcpudp, on_mismatch=([], []))\nx = h.syn\n`, 2, 7, /^'h' is a tcpudp header, which has no field 'syn'; its fields are src_port, dst_port$/],
    [`x = pop_header(tpc, on_mismatch=([], []))\n`, 1, 16, /^pop_header's first argument is a header protocol: ether, ipv4, tcpudp, tcp$/],
  ];
  for (const [text, line, column, message] of cases) {
    test(text.split('\n').at(-2)!.trim(), () => {
      const error = onlyError(text, { manifest });
      assert.deepEqual([error.kind, error.line, error.column], ['header', line, column]);
      assert.match(error.message, message);
    });
  }

  test('fields, flags and flag constants in use pass', () => {
    const fine = `${POP}x = [t.src_port, t.dst_port, t.seq_no, t.ack_no, t.data_off, t.flags, t.window, t.cksum, t.urg_ptr]\n` +
      'y = t.syn and t.ack or t.fin or t.rst or t.psh or t.urg or t.ece or t.cwr or t.flags == SYN | ACK\n' +
      'return ([1], [tcp(t, flags=t.flags | PSH), tcp(1, 2, 3, 4, 5, FIN, 7, 8, 9)])\n';
    assert.ok(analyze(fine, { manifest }).ok);
    assert.ok(analyze('def spec(packet, config, transmitted_packet):\n    assert packet.tcp.syn or transmitted_packet.tcp.flags == RST\n', { manifest }).ok);
  });
});

describe('completion offers the tcp fields, flags and flag constants', () => {
  const complete = (text: string) => completeSpec({ text, offset: text.length, manifest }).items;

  test('after a popped tcp header and packet.tcp: fields in table order, then flags', () => {
    const items = complete('t = pop_header(tcp, on_mismatch=([], []))\nx = t.');
    assert.deepEqual(items.map((i) => i.label), ['ack', 'ack_no', 'cksum', 'cwr', 'data_off', 'dst_port', 'ece', 'fin', 'flags', 'psh', 'rst', 'seq_no', 'src_port', 'syn', 'urg', 'urg_ptr', 'window']);
    assert.match(items.find((i) => i.label === 'syn')!.detail, /whether the SYN flag is set/);
    const fn = complete('def spec(packet, config, transmitted_packet):\n    x = packet.tcp.s');
    assert.deepEqual(fn.map((i) => i.label), ['seq_no', 'src_port', 'syn']);
    assert.ok(complete('def spec(packet, config, transmitted_packet):\n    x = packet.t').some((i) => i.label === 'tcp'));
  });

  test('the flag constants and the tcp constructor, in both dialects', () => {
    assert.deepEqual(complete('x = S').map((i) => i.label), ['SYN']);
    assert.match(complete('x = S')[0]!.detail, /the TCP SYN flag/);
    assert.deepEqual(complete('def spec(packet, config, transmitted_packet):\n    x = R').map((i) => i.label), ['RST']);
    assert.match(complete('x = tc').find((i) => i.label === 'tcp')!.detail, /tcp\(src_port, dst_port, seq_no, ack_no, data_off, flags, window, cksum, urg_ptr\)/);
  });
});
