// The bridge (NFS.md) as idiomatic TypeScript: a Map from MAC address to what was learned about it, and a queue
// of (address, time) events in time order for expiry, whose stale events (the address was seen again since) are
// skipped. (Re-inserting refreshed entries to keep the Map itself in age order looks simpler, but V8 leaves a
// hole per deleted entry until it rehashes, and iterating from the oldest walks all of them: ~20 us a frame.)
import { DROP, FLOOD, type Manifest } from '../../nf-abi/index.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const DROP_RULE = -2;

interface Learned {
  device: number;
  lastSeen: number;
}

/** A MAC address as a number (48 bits fit a double exactly). */
function macAt(frame: Uint8Array, at: number): number {
  return frame[at]! * 2 ** 40 + frame[at + 1]! * 2 ** 32 + frame[at + 2]! * 2 ** 24 + frame[at + 3]! * 2 ** 16 + frame[at + 4]! * 2 ** 8 + frame[at + 5]!;
}

function macOf(text: string): number {
  return text.split(':').reduce((address, pair) => address * 256 + parseInt(pair, 16), 0);
}

export function createBridge(manifest: Manifest): TypeScriptNf {
  const capacity = Number(manifest.config.capacity!.value);
  const expiration = Number(manifest.config.expiration_time!.value);
  const learnGroupSources = Number(manifest.config.learn_group_sources!.value) !== 0;
  /** destination -> input device -> output device (or DROP_RULE). */
  const staticRules = new Map<number, Map<number, number>>();
  for (const rule of manifest.tables?.static_rules?.rows ?? []) {
    const destination = macOf(String(rule.addr));
    if (!staticRules.has(destination)) staticRules.set(destination, new Map());
    staticRules.get(destination)!.set(Number(rule.device), Number(rule.output));
  }
  const learned = new Map<number, Learned>();
  let timeline: { address: number; seen: number }[] = [];
  let oldest = 0;
  const remember = (address: number, seen: number) => timeline.push({ address, seen });

  return {
    process(device, frame, now) {
      if (frame.length < 14) return DROP;
      if (expiration <= now) {
        while (oldest < timeline.length && timeline[oldest]!.seen < now - expiration) {
          const { address, seen } = timeline[oldest++]!;
          if (learned.get(address)?.lastSeen === seen) learned.delete(address);
        }
        if (oldest > 4096 && oldest * 2 > timeline.length) {
          timeline = timeline.slice(oldest);
          oldest = 0;
        }
      }
      // A group source (the I/G bit of its first octet set) is no station to learn, unless configured as Vigor 1.0.
      if ((frame[6]! & 1) === 0 || learnGroupSources) {
        const source = macAt(frame, 6);
        const known = learned.get(source);
        if (known) {
          known.lastSeen = now;
          remember(source, now);
        } else if (learned.size < capacity) {
          learned.set(source, { device, lastSeen: now });
          remember(source, now);
        }
      }
      const destination = macAt(frame, 0);
      const rule = staticRules.get(destination)?.get(device);
      if (rule !== undefined) return rule === DROP_RULE || rule === device ? DROP : rule;
      const entry = learned.get(destination);
      if (entry) return entry.device === device ? DROP : entry.device;
      return FLOOD;
    },
  };
}
