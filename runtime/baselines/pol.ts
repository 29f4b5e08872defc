// The policer (NFS.md) as idiomatic TypeScript: a Map from destination address to its token bucket, and a queue of
// (address, time) events in time order for expiry, whose stale events (the address was seen again since) are
// skipped. Times and tokens are numbers: exact for the configs it runs (refills below 2^53 per frame).
import { DROP, type Manifest } from '../../nf-abi/index.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

const WAN = 0;
const LAN = 1;
const NS_PER_SECOND = 1e9;

interface Bucket {
  tokens: number;
  stamp: number;
}

export function createPolicer(manifest: Manifest): TypeScriptNf {
  const capacity = Number(manifest.config.capacity!.value);
  const expiration = Number(manifest.config.expiration_time!.value);
  const rate = Number(manifest.config.rate!.value);
  const burst = Number(manifest.config.burst!.value);
  /** An empty bucket is full again after this many ns (rounded up). */
  const fillTime = Math.ceil((burst * NS_PER_SECOND) / rate);
  const buckets = new Map<number, Bucket>();
  let timeline: { address: number; seen: number }[] = [];
  let oldest = 0;

  const expire = (now: number) => {
    while (oldest < timeline.length && timeline[oldest]!.seen < now - expiration) {
      const { address, seen } = timeline[oldest++]!;
      if (buckets.get(address)?.stamp === seen) buckets.delete(address);
    }
    if (oldest > 4096 && oldest * 2 > timeline.length) {
      timeline = timeline.slice(oldest);
      oldest = 0;
    }
  };

  return {
    process(device, frame, now) {
      if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[14]! >> 4 !== 4) return DROP;
      const headerLength = (frame[14]! & 15) * 4;
      const totalLength = (frame[16]! << 8) | frame[17]!;
      if (headerLength < 20 || 14 + headerLength > frame.length || 14 + totalLength > frame.length) return DROP;
      expire(now);
      if (device === LAN) return WAN;
      const address = ((frame[30]! << 24) | (frame[31]! << 16) | (frame[32]! << 8) | frame[33]!) >>> 0;
      const size = frame.length;
      const bucket = buckets.get(address);
      if (!bucket) {
        if (size > burst || buckets.size >= capacity) return DROP;
        buckets.set(address, { tokens: burst - size, stamp: now });
        timeline.push({ address, seen: now });
        return LAN;
      }
      const elapsed = Math.max(0, now - bucket.stamp);
      const refill = elapsed >= fillTime ? burst : Math.floor((elapsed * rate) / NS_PER_SECOND);
      const tokens = Math.min(burst, bucket.tokens + refill);
      const fits = size <= tokens;
      bucket.tokens = fits ? tokens - size : tokens;
      bucket.stamp = now;
      timeline.push({ address, seen: now });
      return fits ? LAN : DROP;
    },
  };
}
