// The firewall (NFS.md) as idiomatic TypeScript: a Map from a flow's 5-tuple as the internal side sees it (as a
// string) to its internal device and last time seen, with a queue of (flow, time) events in time order for
// expiry whose stale events (the flow was seen again since) are skipped.
import { DROP, type Manifest } from '../../nf-abi/index.ts';
import { etherAddressesOf, translatable } from './nat.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const EXT_DEVICE = 1;
const IP = 14;
const TRANSPORT = IP + 20;

export function createFw(manifest: Manifest): TypeScriptNf {
  const capacity = Number(manifest.config.capacity!.value);
  const expiration = Number(manifest.config.expiration_time!.value);
  const etherAddresses = etherAddressesOf(manifest);
  const flows = new Map<string, { device: number; lastSeen: number }>();
  let timeline: { key: string; seen: number }[] = [];
  let oldest = 0;
  const touch = (key: string, now: number) => timeline.push({ key, seen: now });
  const leave = (frame: Uint8Array, device: number) => {
    frame.set(etherAddresses.get(device)!, 0);
    return device;
  };

  return {
    process(device, frame, now) {
      while (oldest < timeline.length && timeline[oldest]!.seen < now - expiration) {
        const { key, seen } = timeline[oldest++]!;
        if (flows.get(key)?.lastSeen === seen) flows.delete(key);
      }
      if (oldest > 4096 && oldest * 2 > timeline.length) {
        timeline = timeline.slice(oldest);
        oldest = 0;
      }
      if (!translatable(frame)) return DROP;
      const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
      const source = `${view.getUint32(IP + 12)}:${view.getUint16(TRANSPORT)}`;
      const destination = `${view.getUint32(IP + 16)}:${view.getUint16(TRANSPORT + 2)}`;
      const protocol = frame[IP + 9]!;
      if (device === EXT_DEVICE) {
        const key = `${destination}>${source}:${protocol}`;
        const flow = flows.get(key);
        if (!flow) return DROP;
        flow.lastSeen = now;
        touch(key, now);
        return leave(frame, flow.device);
      }
      const key = `${source}>${destination}:${protocol}`;
      const flow = flows.get(key);
      if (flow) {
        flow.lastSeen = now;
        touch(key, now);
      } else if (flows.size < capacity) {
        flows.set(key, { device, lastSeen: now });
        touch(key, now);
      }
      return leave(frame, EXT_DEVICE);
    },
  };
}
