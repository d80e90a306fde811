/**
 * A set of strings that answers "certainly not in it" or "perhaps in it", in a fixed number
 * of bits: ~10 bits an item for about 1% false "perhaps", whatever the items' length. For a
 * check that skips a costly lookup when the answer is "certainly not" (an import skips the
 * database lookup of numbers no customer of the package can have yet) and still looks up
 * on "perhaps". Items past the size it was made for raise the false "perhaps" rate; they never
 * make it say "certainly not" of an item it holds.
 */
export class BloomFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;
  private readonly hashes: number;

  /** For about `expected` items (at least 1) at ~1% false "perhaps": the bits are rounded up to a power of two, at most 2^30. */
  constructor(expected: number) {
    const wanted = Math.max(64, Math.ceil(Math.max(1, expected) * 10));
    const size = 2 ** Math.min(30, Math.ceil(Math.log2(wanted)));
    this.bits = new Int32Array(size / 32);
    this.mask = size - 1;
    // ln 2 × bits per item, for the bits it was sized to.
    this.hashes = Math.max(1, Math.min(12, Math.round((size / Math.max(1, expected)) * Math.LN2)));
  }

  add(item: string): void {
    let h = hashOf(item, 0x811c9dc5);
    const step = hashOf(item, 0x01000193) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = h & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
      h = (h + step) | 0;
    }
  }

  /** false: it was never added. true: it perhaps was. */
  mayHold(item: string): boolean {
    let h = hashOf(item, 0x811c9dc5);
    const step = hashOf(item, 0x01000193) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = h & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      h = (h + step) | 0;
    }
    return true;
  }
}

/** FNV-1a over the UTF-16 code units, from `seed`, with a final avalanche (murmur3's) so that the low bits are well mixed. */
function hashOf(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
