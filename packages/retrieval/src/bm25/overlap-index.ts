import { normalizeText, type OverlapReason, type OverlapRule, resolveOverlapRule } from "./overlap.js";
import {
  comparedText,
  computePassage,
  FILTER_MASK,
  FILTER_WORDS,
  fingerprintsOf,
  type PassageArrays,
  passageArrays,
  textHash,
} from "./overlap-passage.js";
import { hasSharedRun } from "./shared-run.js";
import { shingleKeys, sortedContainment, wordHashes } from "./shingles.js";
import { commonValues, intersects, sharedRunThrough } from "./winnow.js";

/** A positive prepared for checks against an OverlapIndex (costs O(|text|), once per row). */
export class OverlapProbe {
  private compared: string | undefined;
  private wordsCache: Uint32Array | undefined;
  private keys: Float64Array | undefined;
  private keysN = 0;

  /** @internal */
  constructor(
    private readonly raw: string,
    private readonly normalize: boolean,
    readonly hash: number,
    readonly length: number,
    readonly fingerprints: Uint32Array,
  ) {}

  /** The text as compared (normalised when the rule says so). */
  get text(): string {
    this.compared ??= this.normalize ? normalizeText(this.raw) : this.raw;
    return this.compared;
  }

  /** @internal */
  get words(): Uint32Array {
    this.wordsCache ??= wordHashes(this.text);
    return this.wordsCache;
  }

  /** @internal Sorted distinct keys of the n-word shingles. */
  shingleKeys(n: number): Float64Array {
    if (this.keys === undefined || this.keysN !== n) {
      this.keys = shingleKeys(this.words, n);
      this.keysN = n;
    }
    return this.keys;
  }
}

/**
 * The OverlapDetector rule with its per-passage work done once per passage, the first time the
 * passage is checked or is a positive (most passages of a large corpus never are), never per query:
 * - `identical`: a 53-bit hash of each passage's compared text (equal hashes are verified);
 * - `shared-run`: winnowed fingerprints (winnow.ts), so texts sharing no fingerprint share no run of
 *   minSharedChars, and a shared one is verified exactly around the matching k-grams;
 * - `containment`: the passage's word count, distinct-shingle count and a 256-bit word filter, which
 *   bound from above how many of the positive's shingles can occur in the passage; only when that
 *   bound reaches maxContainment are the passage's shingles computed and compared exactly.
 * Verdicts (overlapping, reason) equal OverlapDetector.check's, which a test asserts.
 *
 * Memory: 53 bytes per passage, plus a fingerprint array (4 bytes per fingerprint, ~7 per KB of
 * text at the defaults) for each passage computed.
 */
export class OverlapIndex {
  readonly rule: OverlapRule;
  private readonly data: PassageArrays;
  private readonly hashes: Float64Array;
  private readonly lengths: Int32Array;
  private readonly wordCounts: Int32Array;
  private readonly shingleCounts: Int32Array;
  private readonly filters: Uint32Array;
  // Filled the first time a passage is checked (or used as a positive): most never are.
  private readonly fps: (Uint32Array | undefined)[];
  private readonly ready: Uint8Array;

  constructor(
    size: number,
    private readonly textOf: (docId: number) => string,
    rule: Partial<OverlapRule> = {},
  ) {
    this.rule = resolveOverlapRule(rule);
    this.data = passageArrays(size);
    ({
      hashes: this.hashes,
      lengths: this.lengths,
      wordCounts: this.wordCounts,
      shingleCounts: this.shingleCounts,
      filters: this.filters,
    } = this.data);
    this.fps = new Array<Uint32Array | undefined>(size).fill(undefined);
    this.ready = new Uint8Array(size);
  }

  /** Computes passage `d`'s data once, the first time it is needed. */
  private ensure(d: number): void {
    if (this.ready[d] === 1) return;
    this.fps[d] = computePassage(this.textOf(d), this.rule, this.data, d);
    this.ready[d] = 1;
  }

  /**
   * Takes passages start .. start + n - 1's data computed elsewhere (overlap-precompute.ts):
   * slots 0 .. n - 1 of `data`, fingerprints of slot i at fpsAt[i] .. fpsAt[i + 1] of `fps`.
   */
  fill(start: number, n: number, data: PassageArrays, fps: Uint32Array, fpsAt: Int32Array): void {
    this.hashes.set(data.hashes.subarray(0, n), start);
    this.lengths.set(data.lengths.subarray(0, n), start);
    this.wordCounts.set(data.wordCounts.subarray(0, n), start);
    this.shingleCounts.set(data.shingleCounts.subarray(0, n), start);
    this.filters.set(data.filters.subarray(0, n * FILTER_WORDS), start * FILTER_WORDS);
    for (let i = 0; i < n; i++) {
      this.fps[start + i] = fps.subarray(fpsAt[i] as number, fpsAt[i + 1] as number);
      this.ready[start + i] = 1;
    }
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Bytes held in typed arrays. */
  get byteLength(): number {
    return (
      this.hashes.byteLength +
      this.lengths.byteLength +
      this.wordCounts.byteLength +
      this.shingleCounts.byteLength +
      this.filters.byteLength +
      this.ready.byteLength +
      this.fps.reduce((n, fp) => n + (fp?.byteLength ?? 0), 0)
    );
  }

  /**
   * Prepares a positive. When it is passage `docId`'s own text (the usual case), the passage's
   * hash and fingerprints are reused.
   */
  prepare(raw: string, docId?: number): OverlapProbe {
    const source = typeof raw === "string" ? raw : "";
    const normalize = this.rule.normalize;
    if (docId !== undefined && docId >= 0 && docId < this.size && this.textOf(docId) === source) {
      this.ensure(docId);
      const fps = this.fps[docId] as Uint32Array;
      return new OverlapProbe(
        source,
        normalize,
        this.hashes[docId] as number,
        this.lengths[docId] as number,
        fps,
      );
    }
    const text = this.compared(source);
    return new OverlapProbe(source, normalize, textHash(text), text.length, fingerprintsOf(text, this.rule));
  }

  /** Whether passage `docId` overlaps the probe, and by the first rule that fired (OverlapDetector's order). */
  check(probe: OverlapProbe, docId: number): { overlapping: boolean; reason: OverlapReason | null } {
    const reason = this.reasonOf(probe, docId);
    return { overlapping: reason !== null, reason };
  }

  /** Whether two passages compare as the same text. */
  sameText(a: number, b: number): boolean {
    this.ensure(a);
    this.ensure(b);
    if (this.hashes[a] !== this.hashes[b]) return false;
    return a === b || this.compared(this.textOf(a)) === this.compared(this.textOf(b));
  }

  private reasonOf(probe: OverlapProbe, docId: number): OverlapReason | null {
    const { minSharedChars: L, maxContainment } = this.rule;
    this.ensure(docId);
    let text: string | undefined;
    const candidate = () => {
      text ??= this.compared(this.textOf(docId));
      return text;
    };
    if (this.hashes[docId] === probe.hash && candidate() === probe.text) return "identical";
    if (L > 0 && probe.length >= L && (this.lengths[docId] as number) >= L) {
      const fps = this.fps[docId] as Uint32Array;
      if (intersects(probe.fingerprints, fps) && this.verifyRun(probe, candidate(), fps)) return "shared-run";
    }
    if (maxContainment > 0 && this.containmentReaches(probe, docId, candidate)) return "containment";
    return null;
  }

  private verifyRun(probe: OverlapProbe, candidate: string, fps: Uint32Array): boolean {
    const L = this.rule.minSharedChars;
    const shared = commonValues(probe.fingerprints, fps);
    // Many shared values means repetitive text, where pairs multiply: the plain check is safer there.
    if (shared.length > 64) return hasSharedRun(probe.text, candidate, L);
    return sharedRunThrough(probe.text, candidate, L, shared);
  }

  private containmentReaches(probe: OverlapProbe, docId: number, candidate: () => string): boolean {
    const { shingleSize, maxContainment } = this.rule;
    const words = probe.words;
    const theirWords = this.wordCounts[docId] as number;
    const n = Math.min(shingleSize, words.length, theirWords);
    if (n === 0) return false;
    if (n === shingleSize) {
      // Upper bound on shared shingles: the positive's windows whose every word passes the filter.
      const mine = probe.shingleKeys(n).length;
      const bound = this.passingWindows(words, n, docId);
      // Same division as the exact share, so float rounding cannot make the bound disagree.
      if (bound / Math.min(mine, this.shingleCounts[docId] as number) < maxContainment) return false;
    }
    const theirs = shingleKeys(wordHashes(candidate()), n);
    return sortedContainment(probe.shingleKeys(n), theirs) >= maxContainment;
  }

  private passingWindows(words: Uint32Array, n: number, docId: number): number {
    const base = docId * FILTER_WORDS;
    let run = 0;
    let windows = 0;
    for (let i = 0; i < words.length; i++) {
      const bit = (words[i] as number) & FILTER_MASK;
      if (((this.filters[base + (bit >>> 5)] as number) >>> (bit & 31)) & 1) {
        run++;
        if (run >= n) windows++;
      } else run = 0;
    }
    return windows;
  }

  private compared(raw: string): string {
    return comparedText(raw, this.rule);
  }
}
