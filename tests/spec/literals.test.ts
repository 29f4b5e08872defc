// Literals in operators' notation (mac, ip, port, ethertype) and address classes (in_prefix, is_group,
// is_broadcast), in both dialects: each holds where the NF does what it says and fails where it does not, with a
// counterexample that replays and shows the fields in the same notation; malformed literals are spec errors at
// their line and column, before anything runs when written as constants, at run time when computed.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatPropertyResult } from '../../engine/render/property.ts';
import { formatDiagnostic } from '../../engine/spec/frontend/diagnostic.ts';
import { completeSpec } from '../../engine/spec/frontend/complete.ts';
import type { PropertyResult } from '../../engine/session/session.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { showHeaders } from '../../nf-abi/index.ts';
import { holds, refuted } from '../validate/variants.ts';
import { analyze, bridgeManifest, errorsOf, onlyError } from './helpers.ts';

const nf = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const BRIDGE = nf('nfs/bridge');
const ROUTER = nf('tests/programs/nfs/router');
const PARSER = nf('tests/programs/nfs/parser');

/** A property that fails, its counterexample replayed, and the result as `vigor verify` prints it. */
function failsWith(session: VerificationSession, result: PropertyResult): string {
  refuted(result);
  return formatPropertyResult(session.exploration, result);
}

/** The decoded header line of a printed result, e.g. `ether: saddr ..., daddr ..., type ...`. */
const headerLine = (printed: string, protocol: string) => printed.split('\n').find((line) => line.startsWith(`    ${protocol}: `)) ?? '';

const BPDU_NEVER_FORWARDED = (address: string) => `h = pop_header(ether, on_mismatch=([], []))
if h.daddr == mac("${address}"):
    return ([], [])
else:
    pass
`;

/** Frames to an address of the class that the bridge has not learned (nor learns from this frame) are flooded. */
const UNLEARNED_FLOODED = (test: string) => `def spec(packet, config, transmitted_packet):
    macs = ExpiringSet(ether_addr)
    if packet.ether is not None and ${test}(packet.ether.daddr) and packet.ether.daddr not in macs:
        assert transmitted_packet is not None and packet.device not in transmitted_packet.devices
`;

/** Whether a group source address is in the learned table after the frame (802.1D 7.8: never). */
const GROUP_SOURCE_LEARNED = (claim: string) => `def spec(packet, config, transmitted_packet):
    macs = ExpiringSet(ether_addr)
    if packet.ether is not None and is_group(packet.ether.saddr):
        assert ${claim}
`;

describe('bridge: mac, is_group, is_broadcast', () => {
  let bridge: VerificationSession;
  before(async () => (bridge = await VerificationSession.open(BRIDGE)));

  test('frames to mac("01:80:c2:00:00:00") are never forwarded: holds (nf.json\'s static rules drop them)', async () => {
    holds(await bridge.check('bpdu_never_forwarded', BPDU_NEVER_FORWARDED('01:80:c2:00:00:00')));
  });

  test('frames to mac("01:80:c2:00:00:01") are never forwarded: fails, the counterexample shows 01:80:c2:00:00:01', async () => {
    const printed = failsWith(bridge, await bridge.check('next_never_forwarded', BPDU_NEVER_FORWARDED('01:80:c2:00:00:01')));
    assert.match(headerLine(printed, 'ether'), /daddr mac\("01:80:c2:00:00:01"\),/);
  });

  test('unlearned broadcast frames are flooded: holds; unlearned group frames: fails on 01:80:c2:00:00:00, dropped', async () => {
    holds(await bridge.check('broadcast_flooded', UNLEARNED_FLOODED('is_broadcast')));
    const printed = failsWith(bridge, await bridge.check('group_flooded', UNLEARNED_FLOODED('is_group')));
    assert.match(headerLine(printed, 'ether'), /daddr mac\("01:80:c2:00:00:00"\),/);
    assert.match(printed, /the NF: DROP/);
  });

  test('a group source address is never learned: holds (802.1D 7.8); that it is learned: fails on a source whose I/G bit is set', async () => {
    holds(await bridge.check('no_group_source', GROUP_SOURCE_LEARNED('packet.ether.saddr not in macs')));
    const printed = failsWith(bridge, await bridge.check('group_source', GROUP_SOURCE_LEARNED('packet.ether.saddr in macs')));
    const saddr = /saddr mac\("([0-9a-f]{2})(:[0-9a-f]{2}){5}"\),/.exec(headerLine(printed, 'ether'));
    assert.ok(saddr && parseInt(saddr[1]!, 16) % 2 === 1, `the source's first octet has its I/G bit set: ${headerLine(printed, 'ether')}`);
  });
});

describe('router: ip and in_prefix on the destination (lpm: 10.0.0.0/8 -> 0, 10.1.0.0/16 -> 1)', () => {
  let router: VerificationSession;
  before(async () => (router = await VerificationSession.open(ROUTER)));
  const toDevice = (test: string, device: number) => `d = pop_header(ipv4, on_mismatch=([...], [...]))
if ${test}:
    return ([${device}], [...])
`;

  test('frames to 10.1.0.0/16 leave on device 1: holds; frames to 10.0.0.0/8 on device 0: fails on a 10.1.x.x destination', async () => {
    holds(await router.check('longest', toDevice('in_prefix(d.daddr, "10.1.0.0/16")', 1)));
    const printed = failsWith(router, await router.check('shorter', toDevice('in_prefix(d.daddr, "10.0.0.0/8")', 0)));
    assert.match(headerLine(printed, 'ipv4'), /daddr ip\("10\.1\.\d+\.\d+"\)$/);
  });

  test('the function dialect: in_prefix holds; frames to ip("10.2.3.4") on device 1: fails, shown dotted', async () => {
    const fn = (test: string) => `def spec(packet, config, transmitted_packet):
    if packet.ipv4 is not None and ${test}:
        assert transmitted_packet is not None and transmitted_packet.device == 1
`;
    holds(await router.check('longest_fn', fn('in_prefix(packet.ipv4.daddr, "10.1.0.0/16")')));
    holds(await router.check('one_address', toDevice('d.daddr == ip("10.1.2.3")', 1)));
    const printed = failsWith(router, await router.check('other_address', fn('packet.ipv4.daddr == ip("10.2.3.4")')));
    assert.match(headerLine(printed, 'ipv4'), /daddr ip\("10\.2\.3\.4"\)$/);
  });
});

describe('parser: port and ethertype (web_port 80 -> device 1; not IPv4 -> bridged)', () => {
  let parser: VerificationSession;
  before(async () => (parser = await VerificationSession.open(PARSER)));
  // No options (IHL 5) and a TTL the parser does not drop at.
  const webTraffic = (number: string) => `t = pop_header(tcpudp, on_mismatch=([...], [...]))
l3 = pop_header(ipv4, on_mismatch=([...], [...]))
if t.dst_port == port(${number}) and l3.vihl == 0x45 and l3.ttl > 1:
    return ([1], [...])
`;
  const bridged = (type: string) => `def spec(packet, config, transmitted_packet):
    if packet.ether is not None and packet.ether.type != ethertype(${type}):
        assert transmitted_packet is not None and transmitted_packet.device == 1 - packet.device
`;

  test('port(80) goes to device 1: holds, also as port(config["web_port"]); port(443): fails, shown as 443', async () => {
    holds(await parser.check('web', webTraffic('80')));
    holds(await parser.check('web_fn', `def spec(packet, config, transmitted_packet):
    t = packet.tcpudp
    if t is not None and t.dst_port == port(config["web_port"]) and packet.ipv4.vihl == 0x45 and packet.ipv4.ttl > 1:
        assert transmitted_packet is not None and transmitted_packet.device == 1
`));
    const printed = failsWith(parser, await parser.check('https', webTraffic('443')));
    // A TCP frame's ports show in its tcp view, a UDP frame's in tcpudp.
    assert.match(headerLine(printed, 'tcpudp') || headerLine(printed, 'tcp'), /dst_port port\(443\)(,|$)/);
  });

  test('frames other than ethertype(0x0800) are bridged: holds; other than ARP\'s 0x0806: fails on IPv4, shown 0x0800', async () => {
    holds(await parser.check('not_ipv4', bridged('0x0800')));
    const printed = failsWith(parser, await parser.check('not_arp', bridged('0x0806')));
    assert.match(headerLine(printed, 'ether'), /type ethertype\(0x0800\)$/);
  });

  test('a literal computed at run time is checked there: an invalid spec at its line', async () => {
    const result = await parser.check('bad_port', `def spec(packet, config, transmitted_packet):
    if packet.tcpudp is not None:
        assert packet.tcpudp.dst_port != port(config["web_port"] * 1000)
`);
    assert.equal(result.verdict, 'invalid');
    if (result.verdict !== 'invalid') return;
    assert.match(formatDiagnostic(result.errors[0]!), /^bad_port\.py:3:\d+: SpecError: port\(80000\) is not a TCP\/UDP port \(0\.\.65535\)/);
  });
});

test('counterexample notation: the literals a spec writes (mac, ip, port, ethertype), numbers as a spec compares them', () => {
  const frame = [
    ...[0x01, 0x80, 0xc2, 0, 0, 0], ...[2, 0, 0, 0, 0, 1], 0x08, 0x00, // ether
    0x45, 0, 0, 24, 0, 0, 0, 0, 64, 17, 0xab, 0xcd, 10, 0, 0, 1, 192, 168, 1, 254, // ipv4
    0x00, 0x50, 0x01, 0xbb, // udp ports 80, 443
  ];
  const shown = Object.fromEntries(showHeaders(frame).flatMap((h) => h.fields.map((f) => [`${h.protocol}.${f.name}`, f.value])));
  assert.equal(shown['ether.daddr'], 'mac("01:80:c2:00:00:00")');
  assert.equal(shown['ether.saddr'], 'mac("02:00:00:00:00:01")');
  assert.equal(shown['ether.type'], 'ethertype(0x0800)');
  assert.equal(shown['ipv4.saddr'], 'ip("10.0.0.1")');
  assert.equal(shown['ipv4.daddr'], 'ip("192.168.1.254")');
  assert.equal(shown['tcpudp.src_port'], 'port(80)');
  assert.equal(shown['tcpudp.dst_port'], 'port(443)');
  assert.equal(shown['ipv4.ttl'], '64', 'a byte is its value');
  assert.equal(shown['ipv4.len'], '6144 (bytes 00 18)', 'a wider number is the value a spec compares with, and its bytes');
});

describe('malformed literals are spec errors at their line and column, before anything runs', () => {
  const POP = 'h = pop_header(ether, on_mismatch=([], []))\n';
  const cases: [string, number, number, RegExp][] = [
    [`${POP}if h.daddr == mac("01:80"):\n    pass\n`, 2, 19, /^mac\("01:80"\) is not a MAC address: write six two-digit hexadecimal octets separated by ":", e\.g\. mac\("01:80:c2:00:00:00"\)$/],
    [`${POP}x = ip("300.1.1.1")\n`, 2, 8, /^ip\("300\.1\.1\.1"\) is not an IPv4 address: write four decimal octets \(0\.\.255\)/],
    [`x = port(70000)\n`, 1, 10, /^port\(70000\) is not a TCP\/UDP port \(0\.\.65535\)$/],
    [`x = port(-1)\n`, 1, 10, /^port\(-1\) is not a TCP\/UDP port/],
    [`x = ethertype(0x1_0000)\n`, 1, 15, /^ethertype\(0x1_0000\) is not an EtherType \(0\.\.65535\)$/],
    [`x = port("80")\n`, 1, 10, /^port\(\.\.\.\) takes a TCP\/UDP port as a Python integer, such as port\(80\), not "80"$/],
    [`x = mac(0x0180c2000000)\n`, 1, 9, /^mac\(\.\.\.\) takes a string such as mac\("01:80:c2:00:00:00"\), not 0x0180c2000000$/],
    [`x = in_prefix(5, "10.0.0.0/33")\n`, 1, 18, /^in_prefix\(\.\.\., "10\.0\.0\.0\/33"\) is not an IPv4 prefix: write an address and a length \(0\.\.32\)/],
    [`x = in_prefix(5, prefix="10.1.0.0/8")\n`, 1, 25, /^in_prefix\(\.\.\., "10\.1\.0\.0\/8"\) has address bits set past its length 8: write "10\.0\.0\.0\/8"$/],
    [`x = is_group()\n`, 1, 5, /^is_group takes 1 argument \(address\), but is given 0$/],
    [`def spec(packet, config, transmitted_packet):\n    assert packet.ether.daddr != mac("01:80:c2:00:00")\n`, 2, 38, /^mac\("01:80:c2:00:00"\) is not a MAC address/],
  ];
  for (const [text, line, column, message] of cases) {
    test(text.split('\n').at(-2)!.trim(), () => {
      const error = onlyError(text);
      assert.deepEqual([error.kind, error.line, error.column], ['header', line, column]);
      assert.match(error.message, message);
    });
  }

  test('well-formed literals, computed arguments and shadowing names pass; several errors are all reported', () => {
    const fine = `${POP}a = "01:80"\nx = [mac(a), mac('ff:FF:ff:ff:ff:ff'), ip("0.0.0.0"), port(0xffff), ethertype(0x86dd), port(0)]\n` +
      'y = in_prefix(5, "0.0.0.0/0") or in_prefix(5, "10.1.2.3/32") or in_prefix(5, "10.128.0.0/9") or is_broadcast(h.daddr)\n';
    assert.ok(analyze(fine).ok);
    assert.ok(analyze('def ip(x):\n    return x\nz = ip("not an address")\n').ok, 'a spec\'s own ip() is not the literal');
    assert.deepEqual(errorsOf('x = port(1.5)\ny = ip("1.2.3")\n').map((e) => [e.line, e.column]), [[1, 10], [2, 8]]);
  });

  test('completion offers them in both dialects, with a line of doc', () => {
    const labels = (text: string) => completeSpec({ text, offset: text.length, manifest: bridgeManifest }).items;
    const statement = labels('x = in_');
    assert.deepEqual(statement.map((i) => i.label), ['in_prefix']);
    assert.match(statement[0]!.detail, /in_prefix\(address, prefix\): whether an IPv4 address/);
    const fn = labels('def spec(packet, config, transmitted_packet):\n    x = is_');
    assert.deepEqual(fn.map((i) => i.label), ['is_broadcast', 'is_group']);
  });
});
