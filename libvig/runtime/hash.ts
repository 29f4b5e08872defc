// The key hash of the emap table: MurmurHash3 (x86, 32-bit) over the key's little-endian 32-bit words, the last
// word zero-padded. libvig/bench/flow_lookup.c computes the same function, so the benchmark compares like with
// like.

/**
 * Hashes keep 30 bits, the range V8 holds as unboxed "small integers" wherever a value is passed or stored; a
 * table of 2^24 slots uses 24 of them.
 */
const SMALL_INTEGER_MASK = 0x3fffffff;

/**
 * The hash so far, `h` (0 before the first word), with the next key word mixed in. One word at a time, so that
 * the emap hashes each word as it reads it from the NF's memory instead of in a second loop.
 */
export function mixKeyWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The key's hash, once all its words are mixed into `h`. */
export function finishKeyHash(h: number, keySize: number): number {
  return finalMix(h ^ keySize) & SMALL_INTEGER_MASK;
}

/** Murmur3's finaliser: every input bit affects every output bit. Also used to derive Maglev permutations. */
export function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
