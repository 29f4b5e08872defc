// The router (NFS.md) as idiomatic TypeScript: the routing table as a Map per prefix length, tried from the longest
// length down; the TTL decremented and the header checksum updated incrementally (RFC 1624).
import { DROP, type Manifest } from '../../nf-abi/index.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const ETHER_HEADER = 14;
const TTL = ETHER_HEADER + 8;
const CHECKSUM = ETHER_HEADER + 10;
const DESTINATION = ETHER_HEADER + 16;

const mask = (length: number): number => (length === 0 ? 0 : (-1 << (32 - length)) >>> 0);

export function createRouter(manifest: Manifest): TypeScriptNf {
  const byLength = new Map<number, Map<number, number>>();
  for (const route of manifest.tables?.routes?.rows ?? []) {
    const length = Number(route.length);
    const prefix = String(route.prefix).split('.').reduce((address, octet) => address * 256 + Number(octet), 0);
    if (!byLength.has(length)) byLength.set(length, new Map());
    byLength.get(length)!.set((prefix & mask(length)) >>> 0, Number(route.device));
  }
  const lengths = [...byLength.keys()].sort((a, b) => b - a);
  const route = (address: number): number => {
    for (const length of lengths) {
      const device = byLength.get(length)!.get((address & mask(length)) >>> 0);
      if (device !== undefined) return device;
    }
    return DROP;
  };
  return {
    process(_device, frame) {
      if (frame.length < ETHER_HEADER + 20 || frame[12] !== 0x08 || frame[13] !== 0x00) return DROP;
      const headerBytes = (frame[ETHER_HEADER]! & 0xf) * 4;
      if (frame[ETHER_HEADER]! >> 4 !== 4 || headerBytes < 20 || ETHER_HEADER + headerBytes > frame.length) return DROP;
      if (((frame[ETHER_HEADER + 2]! << 8) | frame[ETHER_HEADER + 3]!) > frame.length - ETHER_HEADER) return DROP;
      const ttl = frame[TTL]!;
      if (ttl <= 1) return DROP;
      const output = route(((frame[DESTINATION]! << 24) | (frame[DESTINATION + 1]! << 16) | (frame[DESTINATION + 2]! << 8) | frame[DESTINATION + 3]!) >>> 0);
      if (output === DROP) return DROP;
      // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the word holding the TTL and the protocol.
      const word = (ttl << 8) | frame[TTL + 1]!;
      let sum = (~((frame[CHECKSUM]! << 8) | frame[CHECKSUM + 1]!) & 0xffff) + (~word & 0xffff) + (word - 0x100);
      sum = (sum & 0xffff) + (sum >>> 16);
      const checksum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
      frame[TTL] = ttl - 1;
      frame[CHECKSUM] = checksum >>> 8;
      frame[CHECKSUM + 1] = checksum & 0xff;
      return output;
    },
  };
}
