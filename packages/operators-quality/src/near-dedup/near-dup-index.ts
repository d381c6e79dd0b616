import { ensureLength } from "./growable.js";
import { sortedJaccard } from "./jaccard.js";

export interface NearMatch {
  /** Index of the kept text (in the order `add` was called). */
  index: number;
  jaccard: number;
}

const EMPTY = -1;

/**
 * The kept texts of a near-dedup run, in typed arrays only: each text's sorted shingle hashes (one
 * pool plus offsets, for exact Jaccard) and its LSH band keys. An open-addressing table maps a band
 * key to the newest entry with that key; `next` chains older entries with the same key.
 * Entry e = index × bands + band. Per kept text: 4 × (shingles + 2 × bands + 2) bytes plus the
 * table (4-byte slots kept 25–50% full: 8–16 bytes per distinct band key).
 */
export class NearDupIndex {
  private pool = new Uint32Array(1 << 16);
  private poolSize = 0;
  private offsets = new Uint32Array(1 << 12);
  private entryKey = new Uint32Array(1 << 12);
  private next = new Int32Array(1 << 12);
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private distinctKeys = 0;
  /** Last query that looked at each kept text, so a text in several shared bands is compared once. */
  private seenBy = new Int32Array(1 << 12);
  private query = 0;
  size = 0;
  /** Candidates compared by exact Jaccard (for tuning: many false candidates mean slow banding). */
  compared = 0;

  constructor(readonly bands: number) {}

  /** The kept text most similar to `shingles` among those sharing a band, if ≥ threshold. */
  findBest(shingles: Uint32Array, keys: Uint32Array, threshold: number): NearMatch | undefined {
    this.query++;
    let best: NearMatch | undefined;
    const n = shingles.length;
    for (let band = 0; band < this.bands; band++) {
      for (let e = this.head(keys[band] as number); e !== EMPTY; e = this.next[e] as number) {
        const index = (e / this.bands) | 0;
        if (this.seenBy[index] === this.query) continue;
        this.seenBy[index] = this.query;
        const start = this.offsets[index] as number;
        const end = this.offsets[index + 1] as number;
        // Jaccard ≤ min/max of the sizes: skip pairs that cannot reach the threshold.
        if (Math.min(n, end - start) < threshold * Math.max(n, end - start)) continue;
        this.compared++;
        const jaccard = sortedJaccard(shingles, this.pool, start, end);
        if (jaccard < threshold - 1e-12) continue;
        if (!best || jaccard > best.jaccard || (jaccard === best.jaccard && index < best.index)) {
          best = { index, jaccard };
        }
      }
    }
    return best;
  }

  /** Keep a text; returns its index. */
  add(shingles: Uint32Array, keys: Uint32Array): number {
    const index = this.size++;
    this.pool = ensureLength(this.pool, this.poolSize + shingles.length);
    this.pool.set(shingles, this.poolSize);
    this.poolSize += shingles.length;
    if (this.poolSize > 0xffffffff) throw new Error("near-dedup index: more than 2^32 shingles kept");
    this.offsets = ensureLength(this.offsets, index + 2);
    this.offsets[index + 1] = this.poolSize;
    this.seenBy = ensureLength(this.seenBy, index + 1);
    const entries = (index + 1) * this.bands;
    this.entryKey = ensureLength(this.entryKey, entries);
    this.next = ensureLength(this.next, entries);
    for (let band = 0; band < this.bands; band++)
      this.insert(index * this.bands + band, keys[band] as number);
    return index;
  }

  /** Bytes held in typed arrays. */
  bytes(): number {
    return [this.pool, this.offsets, this.entryKey, this.next, this.slots, this.seenBy].reduce(
      (sum, a) => sum + a.byteLength,
      0,
    );
  }

  private head(key: number): number {
    const slot = this.slotOf(key);
    return this.slots[slot] as number;
  }

  /** The slot holding `key`'s chain, or the empty slot where it would go. */
  private slotOf(key: number): number {
    const mask = this.slots.length - 1;
    let slot = key & mask;
    for (;;) {
      const e = this.slots[slot] as number;
      if (e === EMPTY || this.entryKey[e] === key) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private insert(entry: number, key: number): void {
    this.entryKey[entry] = key;
    const slot = this.slotOf(key);
    const head = this.slots[slot] as number;
    this.next[entry] = head;
    this.slots[slot] = entry;
    if (head === EMPTY && ++this.distinctKeys * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    for (let i = 0; i < old.length; i++) {
      const head = old[i] as number;
      if (head !== EMPTY) this.slots[this.slotOf(this.entryKey[head] as number)] = head;
    }
  }
}
