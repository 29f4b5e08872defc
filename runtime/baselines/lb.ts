// The Maglev load balancer (NFS.md) as idiomatic TypeScript: a Map from a client flow's 5-tuple (as a string) to
// its backend and last time seen, a Map from a backend's address to its record, and per table a queue of (key,
// time) events in time order for expiry whose stale events (seen again since) are skipped. Backends take indices
// from a free stack in libVig's order and the Maglev table is libVig's (`Cht`), so that every flow goes to the
// backend the verified NF picks; the flow hash is nfs/lb/lb.ts's.
import { Cht } from '../../libvig/index.ts';
import { DROP, type Manifest, tableImports } from '../../nf-abi/index.ts';
import { translatable } from './nat.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const EXT_DEVICE = 2;
const IP = 14;
const TRANSPORT = IP + 20;

interface Backend {
  index: number;
  device: number;
  mac: Uint8Array;
  /** As the frame's bytes read it (a big-endian number). */
  address: number;
  lastSeen: number;
}

/** A table whose entries expire when idle: a Map, and a queue of (key, time) events in time order. */
class ExpiringMap<V extends { lastSeen: number }> extends Map<string, V> {
  private timeline: { key: string; seen: number }[] = [];
  private oldest = 0;

  constructor(private readonly expiration: number, private readonly onExpire: (value: V) => void = () => {}) {
    super();
  }

  touch(key: string, value: V, now: number): void {
    value.lastSeen = now;
    this.timeline.push({ key, seen: now });
  }

  expire(now: number): void {
    while (this.oldest < this.timeline.length && this.timeline[this.oldest]!.seen < now - this.expiration) {
      const { key, seen } = this.timeline[this.oldest++]!;
      const value = this.get(key);
      if (value?.lastSeen !== seen) continue;
      this.delete(key);
      this.onExpire(value);
    }
    if (this.oldest > 4096 && this.oldest * 2 > this.timeline.length) {
      this.timeline = this.timeline.slice(this.oldest);
      this.oldest = 0;
    }
  }
}

/** nfs/lb/lb.ts's _LoadBalancedFlow_hash over the little-endian loads of the fields' wire bytes. */
function flowHash(sourceIp: number, destinationIp: number, sourcePort: number, destinationPort: number, protocol: number): number {
  let h = sourceIp;
  h = (h + (h << 10)) >>> 0;
  h = (h ^ (h >>> 6)) >>> 0;
  h = (h + destinationIp) >>> 0;
  h = (h + (h << 10)) >>> 0;
  h = (h ^ (h >>> 6)) >>> 0;
  h = (h + (((sourcePort << 16) | destinationPort) >>> 0)) >>> 0;
  h = (h + (h << 10)) >>> 0;
  h = (h ^ (h >>> 6)) >>> 0;
  h = (h + protocol) >>> 0;
  h = (h + (h << 3)) >>> 0;
  h = (h ^ (h >>> 11)) >>> 0;
  return (h + (h << 15)) >>> 0;
}

const swap16 = (value: number): number => ((value & 0xff) << 8) | (value >>> 8);
const swap32 = (value: number): number => ((value & 0xff) << 24 | (value & 0xff00) << 8 | (value >>> 8) & 0xff00 | value >>> 24) >>> 0;

/** RFC 1624 eqn. 3: the checksum after the covered 16-bit words changed by `change` (a sum of ~old + new words). */
function updated(checksum: number, change: number): number {
  let sum = (~checksum & 0xffff) + change;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function createLb(manifest: Manifest): TypeScriptNf {
  const config = (key: string) => Number(manifest.config[key]!.value);
  const backendCapacity = config('backend_capacity');
  const flowCapacity = config('flow_capacity');
  const cht = new Cht(0, config('cht_height'), backendCapacity);
  const table = tableImports(manifest);
  const deviceMacs = new Map<number, Uint8Array>();
  for (let row = 0; row < Number((table.get('device_macs_count') as () => number)()); row++) {
    const mac = new Uint8Array(8);
    new DataView(mac.buffer).setBigUint64(0, BigInt((table.get('device_macs_mac') as (row: number) => bigint)(row)), true);
    deviceMacs.set(Number((table.get('device_macs_device') as (row: number) => number)(row)), mac.subarray(0, 6));
  }
  const byIndex: (Backend | undefined)[] = new Array(backendCapacity);
  const free = Array.from({ length: backendCapacity }, (_, i) => backendCapacity - 1 - i);
  const backends = new ExpiringMap<Backend>(config('backend_expiration_time'), (backend) => {
    byIndex[backend.index] = undefined;
    free.push(backend.index);
  });
  const flows = new ExpiringMap<{ backend: number; lastSeen: number }>(config('flow_expiration_time'));

  const forward = (frame: Uint8Array, view: DataView, backend: Backend): number => {
    const change = (~view.getUint16(IP + 16) & 0xffff) + (~view.getUint16(IP + 18) & 0xffff) + (backend.address >>> 16) + (backend.address & 0xffff);
    view.setUint32(IP + 16, backend.address);
    view.setUint16(IP + 10, updated(view.getUint16(IP + 10), change));
    const tcp = frame[IP + 9] === 6;
    const checksumAt = TRANSPORT + (tcp ? 16 : 6);
    const checksum = view.getUint16(checksumAt);
    if (checksum !== 0 || tcp) view.setUint16(checksumAt, updated(checksum, change));
    const output = backend.device === 1 ? 1 : 0;
    frame.set(backend.mac, 0);
    frame.set(deviceMacs.get(output)!, 6);
    return output;
  };

  return {
    process(device, frame, now) {
      flows.expire(now);
      backends.expire(now);
      if (!translatable(frame)) return DROP;
      const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
      const source = view.getUint32(IP + 12);
      if (device !== EXT_DEVICE) {
        const key = String(source);
        const known = backends.get(key);
        if (known) {
          backends.touch(key, known, now);
        } else if (free.length > 0) {
          const backend = { index: free.pop()!, device, mac: frame.slice(6, 12), address: source, lastSeen: now };
          byIndex[backend.index] = backend;
          backends.set(key, backend);
          backends.touch(key, backend, now);
        }
        return DROP;
      }
      const destination = view.getUint32(IP + 16);
      const sourcePort = view.getUint16(TRANSPORT);
      const destinationPort = view.getUint16(TRANSPORT + 2);
      const protocol = frame[IP + 9]!;
      const key = `${source}:${sourcePort}>${destination}:${destinationPort}:${protocol}`;
      const flow = flows.get(key);
      if (flow) {
        const backend = byIndex[flow.backend];
        if (backend) {
          flows.touch(key, flow, now);
          return forward(frame, view, backend);
        }
        flows.delete(key);
      }
      const hash = flowHash(swap32(source), swap32(destination), swap16(sourcePort), swap16(destinationPort), protocol);
      const chosen = cht.findBackend(hash, (index) => byIndex[index] !== undefined);
      if (chosen < 0) return DROP;
      if (flows.size < flowCapacity) {
        const remembered = { backend: chosen, lastSeen: now };
        flows.set(key, remembered);
        flows.touch(key, remembered, now);
      }
      return forward(frame, view, byIndex[chosen]!);
    },
  };
}
