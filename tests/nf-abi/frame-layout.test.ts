// The frame layout NFs parse has one set of values in every language (nf-abi/c/frame-layout.h agrees with
// nf-abi/frame-layout.ts), and those values are where nf-abi/headers.ts's table puts the fields.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { frameLayout, HEADER_FIELDS, type Protocol } from '../../nf-abi/index.ts';

const layout: Record<string, number> = { ...frameLayout };

/** The names and values of c/frame-layout.h's enum, one `NAME = value,` a line. */
function cMirror(): Record<string, number> {
  const header = readFileSync(new URL('../../nf-abi/c/frame-layout.h', import.meta.url), 'utf8');
  const entries = [...header.matchAll(/^\s+([A-Z][A-Z0-9_]*) = (0x[0-9a-f]+|\d+),$/gm)].map(([, name, value]) => [name!, Number(value)] as const);
  return Object.fromEntries(entries);
}

test('nf-abi/c/frame-layout.h defines every constant of nf-abi/frame-layout.ts, with the same value, and nothing else', () => {
  assert.deepEqual(cMirror(), layout);
});

test('the offsets are where headers.ts puts the fields, and the header sizes hold every field', () => {
  const field = (protocol: Protocol, name: string) => {
    const found = HEADER_FIELDS[protocol].find(([fieldName]) => fieldName === name);
    assert.ok(found, `headers.ts has ${protocol}.${name}`);
    return found;
  };
  const offset = (protocol: Protocol, name: string) => field(protocol, name)[1];
  const end = (protocol: Protocol) => Math.max(...HEADER_FIELDS[protocol].map(([, at, bytes]) => at + bytes));
  assert.equal(layout.ETHER_DADDR, offset('ether', 'daddr'));
  assert.equal(layout.ETHER_SADDR, offset('ether', 'saddr'));
  assert.equal(layout.MAC_SIZE, field('ether', 'saddr')[2]);
  assert.equal(layout.ETHER_TYPE, offset('ether', 'type'));
  assert.equal(layout.ETHER_HEADER, end('ether'));
  assert.equal(layout.IP, layout.ETHER_HEADER);
  assert.equal(layout.IP_HEADER, end('ipv4'));
  const ipv4: [string, string][] = [['IP_VIHL', 'vihl'], ['IP_TOTAL_LENGTH', 'len'], ['IP_FRAGMENT', 'foff'], ['IP_TTL', 'ttl'], ['IP_PROTOCOL', 'npid'], ['IP_CHECKSUM', 'cksum'], ['IP_SADDR', 'saddr'], ['IP_DADDR', 'daddr']];
  for (const [constant, name] of ipv4) assert.equal(layout[constant], layout.ETHER_HEADER! + offset('ipv4', name), constant);
  assert.equal(layout.IP_ADDRESS_SIZE, field('ipv4', 'daddr')[2]);
  assert.equal(layout.TRANSPORT, layout.ETHER_HEADER! + end('ipv4'));
  assert.equal(layout.SRC_PORT, offset('tcpudp', 'src_port'));
  assert.equal(layout.DST_PORT, offset('tcpudp', 'dst_port'));
  assert.equal(layout.TCP_CHECKSUM, offset('tcp', 'cksum'));
  assert.equal(layout.TCP_HEADER, end('tcp'));
});

test('the constants compared with loads are the wire values loaded little-endian', () => {
  const le16 = (bytes: [number, number]) => bytes[0] | (bytes[1] << 8);
  assert.equal(layout.ETHER_TYPE_IPV4, le16([0x08, 0x00]));
  // Flags byte 0bRDMooooo (R reserved, D don't fragment, M more fragments, o the offset's top bits), then the offset's low byte.
  assert.equal(layout.FRAGMENT_BITS, le16([0x3f, 0xff]));
  assert.equal(layout.VERSION_IHL, (4 << 4) | (layout.IP_HEADER! / 4));
});
