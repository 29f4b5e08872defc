// The key hash of the emap table: MurmurHash3 (x86, 32-bit) over the key's little-endian 32-bit words, the last
// word zero-padded. libvig/bench/flow_lookup.c computes the same function, so the benchmark compares like with
// like.

/**
 * Hashes keep 30 bits, the range V8 holds as unboxed "small integers" wherever a value is passed or stored; a
 * table of 2^24 slots uses 24 of them.
 */
const SMALL_INTEGER_MASK = 0x3fffffff;

export function hashKeyWords(words: Int32Array, keySize: number): number {
  let h = 0;
  for (let w = 0; w < words.length; w++) {
    let k = Math.imul(words[w]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
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
