import { SharedRunIndex } from "./shared-run.js";
import { containment, shingleSet, wordHashes } from "./shingles.js";

/**
 * When a retrieved candidate counts as a near-duplicate of the positive (and so is no negative).
 * It overlaps if any of these holds, checked in this order:
 * 1. `identical`: the same text after normalisation;
 * 2. `shared-run`: both contain a common run of at least `minSharedChars` characters;
 * 3. `containment`: at least `maxContainment` of the smaller text's `shingleSize`-word shingles
 *    occur in the other text.
 *
 * Why these defaults, measured on ../shared/data/pipeline_small_chunk.json (10 consecutive chunks of
 * one anatomy textbook, ~9,500 characters each): neighbouring chunks share a run of 919–1,319
 * characters, while the longest run shared by non-neighbours is 170 characters (one summary sentence
 * repeated in a later chunk). 300 sits well between: about two sentences copied verbatim, which a
 * sliding-window chunker produces and independent writing does not. Containment catches what has no
 * long exact run: re-flowed or lightly edited copies, and short texts wholly inside the other. A
 * shingle of 8 words is long enough that unrelated texts on one topic share almost none; half of
 * the smaller text's shingles is a near-copy. The neighbours above share only ~12% of their
 * shingles, so for them the run rule is what fires.
 */
export interface OverlapRule {
  /** Characters of a common run that make two texts overlap; 0 disables the rule. */
  readonly minSharedChars: number;
  /** Words per shingle (an integer >= 1). A text with fewer words is one shingle of its own length. */
  readonly shingleSize: number;
  /** Containment in (0, 1] at which two texts overlap; 0 disables the rule. */
  readonly maxContainment: number;
  /** Compare after NFKC, lower-casing and collapsing whitespace (runs and identity). */
  readonly normalize: boolean;
}

export const DEFAULT_OVERLAP_RULE: OverlapRule = Object.freeze({
  minSharedChars: 300,
  shingleSize: 8,
  maxContainment: 0.5,
  normalize: true,
});

export type OverlapReason = "identical" | "shared-run" | "containment";

export interface OverlapVerdict {
  readonly overlapping: boolean;
  /** The first rule that fired, or null. */
  readonly reason: OverlapReason | null;
  /** Shingle containment in [0, 1], always computed (for reports). */
  readonly containment: number;
}

export function resolveOverlapRule(rule: Partial<OverlapRule> = {}): OverlapRule {
  const r = { ...DEFAULT_OVERLAP_RULE, ...rule };
  if (!Number.isInteger(r.minSharedChars) || r.minSharedChars < 0) {
    throw new RangeError(`minSharedChars must be an integer >= 0, got ${r.minSharedChars}`);
  }
  if (!Number.isInteger(r.shingleSize) || r.shingleSize < 1) {
    throw new RangeError(`shingleSize must be an integer >= 1, got ${r.shingleSize}`);
  }
  if (!(r.maxContainment >= 0 && r.maxContainment <= 1)) {
    throw new RangeError(`maxContainment must be in [0, 1], got ${r.maxContainment}`);
  }
  return Object.freeze(r);
}

/** A text with its comparison data, computed once and reused across many checks. */
export class PreparedText {
  /** The text as compared (normalised when the rule says so). */
  readonly text: string;
  readonly words: Uint32Array;
  private runIndex: SharedRunIndex | undefined;
  private readonly shingles = new Map<number, Set<number>>();

  constructor(raw: string, normalize: boolean) {
    this.text = normalize ? normalizeText(raw) : raw;
    this.words = wordHashes(this.text);
  }

  /** @internal */
  runs(windowLength: number): SharedRunIndex {
    if (this.runIndex?.windowLength !== windowLength)
      this.runIndex = new SharedRunIndex(this.text, windowLength);
    return this.runIndex;
  }

  /** @internal */
  shingleSet(n: number): Set<number> {
    let set = this.shingles.get(n);
    if (set === undefined) {
      set = shingleSet(this.words, n);
      this.shingles.set(n, set);
    }
    return set;
  }
}

/** Applies an `OverlapRule`. Prepare the positive once, then check each candidate against it. */
export class OverlapDetector {
  readonly rule: OverlapRule;

  constructor(rule: Partial<OverlapRule> = {}) {
    this.rule = resolveOverlapRule(rule);
  }

  prepare(text: string): PreparedText {
    return new PreparedText(typeof text === "string" ? text : "", this.rule.normalize);
  }

  /**
   * Whether `candidate` overlaps `positive`. Costs O(|positive| + |candidate|); the positive's run
   * index and shingles are cached on its PreparedText.
   */
  check(positive: PreparedText | string, candidate: PreparedText | string): OverlapVerdict {
    const p = typeof positive === "string" ? this.prepare(positive) : positive;
    const c = typeof candidate === "string" ? this.prepare(candidate) : candidate;
    const { minSharedChars, shingleSize, maxContainment } = this.rule;

    const n = Math.min(shingleSize, p.words.length, c.words.length);
    const share = n === 0 ? 0 : containment(p.shingleSet(n), c.shingleSet(n));

    let reason: OverlapReason | null = null;
    if (p.text === c.text) reason = "identical";
    else if (
      minSharedChars > 0 &&
      p.text.length >= minSharedChars &&
      c.text.length >= minSharedChars &&
      p.runs(minSharedChars).findIn(c.text) >= 0
    ) {
      reason = "shared-run";
    } else if (maxContainment > 0 && share >= maxContainment) reason = "containment";
    return { overlapping: reason !== null, reason, containment: share };
  }
}

/** The text as the rule compares it when `normalize` is on: NFKC, lower case, whitespace collapsed. */
export function normalizeText(text: string): string {
  // NFKC leaves ASCII as it is; skipping it there saves most of the cost.
  const composed = NON_ASCII.test(text) ? text.normalize("NFKC") : text;
  return composed.toLowerCase().replace(/\s+/g, " ").trim();
}

const NON_ASCII = /[\u0080-\uffff]/;
