// The NAT (NFS.md) as idiomatic TypeScript: a Map from a flow's internal 5-tuple and device (as a string) to its
// flow, an array of flows by external port, a stack of free indices, and a queue of (flow, time) events in time
// order for expiry whose stale events (the flow was seen again since) are skipped. Indices are taken from the
// free stack in libVig's order (nfs/README.md), so that ports, and so frames, are the verified NF's.
import { DROP, type Manifest, tableImports } from '../../nf-abi/index.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const EXT_DEVICE = 1;
const IP = 14;
const TRANSPORT = IP + 20;
const TCP = 6;
const UDP = 17;

interface Flow {
  key: string;
  /** The internal side, as the frame's bytes read them (big-endian numbers). */
  address: number;
  port: number;
  /** The remote end, which alone may reply. */
  remoteAddress: number;
  remotePort: number;
  protocol: number;
  device: number;
  lastSeen: number;
}

/** RFC 1624 eqn. 3: the checksum after the covered 16-bit words changed by `change` (a sum of ~old + new words). */
function updated(checksum: number, change: number): number {
  let sum = (~checksum & 0xffff) + change;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const swap32 = (value: number): number => ((value & 0xff) << 24 | (value & 0xff00) << 8 | (value >>> 8) & 0xff00 | value >>> 24) >>> 0;

const wordsChange = (from: number, to: number): number => (~from & 0xffff) + ((~from >>> 16) & 0xffff) + (to & 0xffff) + (to >>> 16);

/**
 * Per device, the first 12 bytes of the Ethernet header of the frames it sends (nf.json table "ether_addresses",
 * as the NAT and the firewall read it).
 */
export function etherAddressesOf(manifest: Manifest): Map<number, Uint8Array> {
  const table = tableImports(manifest);
  const column = (name: string) => table.get(`ether_addresses_${name}`)! as (row: number) => number | bigint;
  const etherAddresses = new Map<number, Uint8Array>();
  for (let row = 0; row < Number((table.get('ether_addresses_count') as () => number)()); row++) {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(column('daddr')(row)), true);
    view.setBigUint64(4, (BigInt(column('saddr')(row)) << 16n) | BigInt(view.getUint16(4, true)), true);
    etherAddresses.set(Number(column('device')(row)), bytes);
  }
  return etherAddresses;
}

/**
 * Whether the NAT and the firewall handle the frame: IPv4 without options, within the frame, not a fragment, TCP
 * or UDP with room for its header.
 */
export function translatable(frame: Uint8Array): boolean {
  if (frame.length < TRANSPORT) return false;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const totalLength = view.getUint16(IP + 2);
  const protocol = frame[IP + 9]!;
  if (view.getUint16(12) !== 0x0800 || frame[IP] !== 0x45 || IP + totalLength > frame.length) return false;
  if ((view.getUint16(IP + 6) & 0x3fff) !== 0) return false; // a fragment
  return (protocol === TCP || protocol === UDP) && totalLength >= 20 + (protocol === TCP ? 20 : 8);
}

export function createNat(manifest: Manifest): TypeScriptNf {
  const capacity = Number(manifest.config.capacity!.value);
  const expiration = Number(manifest.config.expiration_time!.value);
  // The config holds the external address and ports as little-endian loads of their wire bytes.
  const extIp = swap32(Number(manifest.config.ext_ip!.value));
  const startPort = Number(manifest.config.start_port!.value);
  const etherAddresses = etherAddressesOf(manifest);
  const byKey = new Map<string, number>();
  const flows: (Flow | undefined)[] = new Array(capacity);
  const free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  let timeline: { index: number; seen: number }[] = [];
  let oldest = 0;

  const expire = (now: number) => {
    while (oldest < timeline.length && timeline[oldest]!.seen < now - expiration) {
      const { index, seen } = timeline[oldest++]!;
      const flow = flows[index];
      if (flow?.lastSeen !== seen) continue;
      byKey.delete(flow.key);
      flows[index] = undefined;
      free.push(index);
    }
    if (oldest > 4096 && oldest * 2 > timeline.length) {
      timeline = timeline.slice(oldest);
      oldest = 0;
    }
  };
  const touch = (index: number, flow: Flow, now: number) => {
    flow.lastSeen = now;
    timeline.push({ index, seen: now });
  };
  /** Rewrites the address at `addressAt` and the port at `portAt`, with incremental checksum updates. */
  const rewrite = (view: DataView, addressAt: number, address: number, portAt: number, port: number) => {
    const addressChange = wordsChange(view.getUint32(addressAt), address);
    const change = addressChange + (~view.getUint16(TRANSPORT + portAt) & 0xffff) + port;
    view.setUint32(addressAt, address);
    view.setUint16(TRANSPORT + portAt, port);
    view.setUint16(IP + 10, updated(view.getUint16(IP + 10), addressChange));
    const checksumAt = TRANSPORT + (view.getUint8(IP + 9) === TCP ? 16 : 6);
    const checksum = view.getUint16(checksumAt);
    if (checksum !== 0 || view.getUint8(IP + 9) === TCP) view.setUint16(checksumAt, updated(checksum, change));
  };
  const leave = (frame: Uint8Array, device: number) => {
    frame.set(etherAddresses.get(device)!, 0);
    return device;
  };

  return {
    process(device, frame, now) {
      expire(now);
      if (!translatable(frame)) return DROP;
      const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
      const protocol = frame[IP + 9]!;
      const source = view.getUint32(IP + 12);
      const destination = view.getUint32(IP + 16);
      const sourcePort = view.getUint16(TRANSPORT);
      const destinationPort = view.getUint16(TRANSPORT + 2);
      if (device === EXT_DEVICE) {
        // Ports are numbered as the little-endian load of their bytes (NFS.md).
        const index = (((destinationPort & 0xff) << 8) | (destinationPort >>> 8)) - startPort;
        const flow = flows[index];
        if (!flow || flow.remoteAddress !== source || flow.remotePort !== sourcePort || flow.protocol !== protocol) return DROP;
        touch(index, flow, now);
        rewrite(view, IP + 16, flow.address, 2, flow.port);
        return leave(frame, flow.device);
      }
      const key = `${source}:${sourcePort}:${destination}:${destinationPort}:${protocol}:${device}`;
      let index = byKey.get(key);
      if (index === undefined) {
        if (free.length === 0) return DROP;
        index = free.pop()!;
        const flow: Flow = { key, address: source, port: sourcePort, remoteAddress: destination, remotePort: destinationPort, protocol, device, lastSeen: now };
        flows[index] = flow;
        byKey.set(key, index);
        timeline.push({ index, seen: now });
      } else {
        touch(index, flows[index]!, now);
      }
      const port = startPort + index;
      rewrite(view, IP + 12, extIp, 0, ((port & 0xff) << 8) | (port >>> 8));
      return leave(frame, EXT_DEVICE);
    },
  };
}
