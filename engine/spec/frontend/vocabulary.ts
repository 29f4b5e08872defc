// The names the spec language gives meaning to (docs/spec-language.md), with a line of documentation
// each: the static checks test against them and completion offers them.
import { HEADER_FIELDS, type Manifest, protocolNamed, type Protocol, type StateObject, TCP_FLAGS } from '../../../nf-abi/index.ts';

export type HeaderProtocol = Protocol;

/** Names of each header's fields, in constructor order. */
export const HEADER_FIELD_NAMES: Readonly<Record<HeaderProtocol, readonly string[]>> = {
  ether: fieldNames('ether'),
  ipv4: fieldNames('ipv4'),
  tcpudp: fieldNames('tcpudp'),
  tcp: fieldNames('tcp'),
};

function fieldNames(protocol: Protocol): string[] {
  return HEADER_FIELDS[protocol].map(([name]) => name);
}

const ADDRESSES = { src: 'saddr', dst: 'daddr', src_addr: 'saddr', dst_addr: 'daddr', s_addr: 'saddr', d_addr: 'daddr', source: 'saddr', destination: 'daddr' };
const PORTS = { src: 'src_port', dst: 'dst_port', sport: 'src_port', dport: 'dst_port', source: 'src_port', dest: 'dst_port' };

/**
 * Field names other tools give these headers (DPDK's structs, Linux's, Klint's specs), with what a spec writes here
 * instead: a spec ported from elsewhere is told, field by field.
 */
const HEADER_FIELD_HINTS: Readonly<Record<HeaderProtocol, Readonly<Record<string, string>>>> = {
  ether: { ...ADDRESSES, ether_type: 'type', ethertype: 'type', h_proto: 'type' },
  ipv4: {
    ...ADDRESSES, protocol: 'npid', next_proto_id: 'npid', proto: 'npid', time_to_live: 'ttl', total_length: 'len', tot_len: 'len',
    checksum: 'cksum', hdr_checksum: 'cksum', check: 'cksum', version: 'vihl >> 4', ihl: 'vihl & 15', version_ihl: 'vihl',
    type_of_service: 'tos', packet_id: 'pid', id: 'pid', fragment_offset: 'foff', frag_off: 'foff',
  },
  tcpudp: PORTS,
  tcp: { ...PORTS, seq: 'seq_no', sent_seq: 'seq_no', recv_ack: 'ack_no', doff: 'data_off', tcp_flags: 'flags', checksum: 'cksum', check: 'cksum', window_size: 'window', rx_win: 'window', tcp_urp: 'urg_ptr' },
};

/** What to write for a field name another tool uses (`'; for 'dst' write daddr'`), or ''. */
export function headerFieldHint(protocol: HeaderProtocol, name: string): string {
  const hints = HEADER_FIELD_HINTS[protocol];
  return Object.hasOwn(hints, name) ? `; for '${name}' write ${hints[name]}` : '';
}

/** The TCP flags by name: `t.syn` (a truth value, read from `t.flags`), and `SYN` (its bit, to write `flags`). */
export const TCP_FLAG_NAMES: readonly string[] = TCP_FLAGS.map(([name]) => name);

/** Attributes of a header besides its fields: a tcp header's flags as truth values. */
export const HEADER_FLAGS: Readonly<Record<HeaderProtocol, readonly string[]>> = {
  ether: [],
  ipv4: [],
  tcpudp: [],
  tcp: TCP_FLAG_NAMES.map((name) => name.toLowerCase()),
};

/** The header protocol a name in a spec stands for: a protocol's own name or an alias (`rte_ether`). */
export const headerProtocolNamed = protocolNamed;

export interface Signature {
  parameters: readonly string[];
  doc: string;
}

/** State API of the statement dialect per manifest kind; kinds without an entry are not checked. */
export const STATE_METHODS: Partial<Record<StateObject['kind'], Record<string, Signature>>> = {
  emap: {
    has: { parameters: ['key'], doc: 'whether the key is in the map' },
    get: { parameters: ['key'], doc: 'the index of the key' },
    get_key: { parameters: ['index'], doc: 'the key at an allocated index' },
    has_idx: { parameters: ['index'], doc: 'whether the index is allocated' },
    add: { parameters: ['key', 'index', 'time'], doc: 'map the key to the index, stamped with the time' },
    refresh_idx: { parameters: ['index', 'time'], doc: 'stamp the index with the time' },
    erase: { parameters: ['key'], doc: 'remove the key and free its index' },
    expire_all: { parameters: ['time'], doc: 'remove every entry stamped strictly before the time' },
    full: { parameters: [], doc: 'whether every index is allocated' },
    exists_with_cht: { parameters: ['cht', 'hash'], doc: 'whether a live backend is preferred for the hash' },
    choose_with_cht: { parameters: ['cht', 'hash'], doc: 'the first live backend preferred for the hash' },
  },
  vector: {
    get: { parameters: ['index'], doc: 'the element at the index' },
    set: { parameters: ['index', 'value'], doc: 'replace the element at the index' },
  },
  lpm: {
    lookup: { parameters: ['address'], doc: 'the value (device) of the longest prefix the IPv4 address lies in, or -1' },
  },
};

/** Values that exist in the statement dialect without import. */
export const BUILTIN_VALUES: Record<string, string> = {
  now: 'time of this packet, nanoseconds, never decreasing',
  received_on_port: 'the device the packet came in on',
  packet_size: 'length of the received frame in bytes',
  a_packet_received: 'true unless the stack delivered no packet this iteration',
  the_index_allocated: 'the index the NF allocated on this path',
  sent_on_ports: 'the devices the NF sent the packet on (Vigor 1.0 name)',
};

/**
 * Literals in operators' notation and address classes, in both dialects: each literal is the value the NF sees in
 * the header field (a little-endian load of the wire bytes); the address classes take field values, symbolic or not.
 */
export const ADDRESS_FUNCTIONS = {
  mac: { parameters: ['text'], doc: 'a MAC address written "01:80:c2:00:00:00", as ether.saddr and ether.daddr hold it' },
  ip: { parameters: ['text'], doc: 'an IPv4 address written "10.0.0.1", as ipv4.saddr and ipv4.daddr hold it' },
  port: { parameters: ['number'], doc: 'a TCP/UDP port number (0..65535), as the src_port and dst_port of tcpudp and tcp hold it' },
  ethertype: { parameters: ['number'], doc: 'an EtherType (0x0800 for IPv4), as ether.type holds it' },
  in_prefix: { parameters: ['address', 'prefix'], doc: 'whether an IPv4 address (ipv4.saddr, ipv4.daddr) lies in the prefix written "10.0.0.0/8"' },
  is_group: { parameters: ['address'], doc: 'whether a MAC address is a group (multicast or broadcast) address: the first octet\'s lowest bit' },
  is_broadcast: { parameters: ['address'], doc: 'whether a MAC address is ff:ff:ff:ff:ff:ff' },
} satisfies Record<string, Signature>;

/**
 * nf.json's config values, each with its type and value: `config["key"]` in the function dialect, and in the
 * statement dialect a global of the key's name (a spec that assigns the name makes a local of its own).
 */
export function configValues(manifest: Pick<Manifest, 'config'>): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest.config).map(([name, c]) => [name, `config value, ${c.type} = ${c.value}`]));
}

/** Functions of the statement dialect besides header and record constructors. */
export const BUILTIN_FUNCTIONS: Record<string, Signature> = {
  ...ADDRESS_FUNCTIONS,
  pop_header: { parameters: ['protocol', 'on_mismatch'], doc: 'take the next header of the frame, innermost first; return on_mismatch if it is another protocol or missing' },
  vector_get: { parameters: ['vector', 'index'], doc: 'the element of a vector at the index' },
  vector_set: { parameters: ['vector', 'index', 'value'], doc: 'replace the element of a vector at the index' },
  mem: { parameters: ['value', 'list'], doc: 'whether the value is in the list (Vigor 1.0 name)' },
};

/** The parameters of `def spec(...)` that make a module the function dialect, in order. */
export const SPEC_FUNCTION_PARAMETERS = ['packet', 'config', 'transmitted_packet'] as const;

const TCP_VIEW = `TCP header (${HEADER_FIELD_NAMES.tcp.join(', ')}; flags ${HEADER_FLAGS.tcp.join(', ')}), or None`;

export const PACKET_ATTRIBUTES: Record<string, string> = {
  device: 'the device the packet came in on',
  length: 'frame length in bytes',
  time: 'arrival time, nanoseconds',
  data: 'the frame bytes',
  ether: 'Ethernet header, or None',
  ipv4: 'IPv4 header, or None',
  tcpudp: 'TCP/UDP ports, or None',
  tcp: TCP_VIEW,
};

export const TRANSMITTED_PACKET_ATTRIBUTES: Record<string, string> = {
  devices: 'the devices the packet was sent on',
  device: 'the device, when there is exactly one',
  ether: 'Ethernet header, or None',
  ipv4: 'IPv4 header, or None',
  tcpudp: 'TCP/UDP ports, or None',
  tcp: TCP_VIEW,
};

/** State objects of the function dialect, bound to the NF's objects. */
export const FUNCTION_DIALECT_STATE: Record<string, string> = {
  Map: 'Map(key_type, value_type): a map of the NF; .old is its state before the packet',
  ExpiringSet: 'ExpiringSet(...): a set with time stamps; .old is its state before the packet',
  Cell: 'Cell(...): a single value; .old is its value before the packet',
};

/** Record constructors are the record type's name with a `c` suffix (Vigor's convention). */
export function recordConstructorName(recordType: string): string {
  return `${recordType}c`;
}
