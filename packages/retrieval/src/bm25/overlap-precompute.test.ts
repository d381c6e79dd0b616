import { seededRandom } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import type { OverlapRule } from "./overlap.js";
import { OverlapIndex } from "./overlap-index.js";
import { precomputeOverlap } from "./overlap-precompute.js";
import { loadSampleCorpus, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

const RULES: Partial<OverlapRule>[] = [
  {},
  { minSharedChars: 40, shingleSize: 3, maxContainment: 0.3 },
  { minSharedChars: 60, normalize: false },
  { minSharedChars: 0 },
];

/** Sliding windows over one word stream (neighbours share runs), with exact copies and copies that differ in case and spacing. */
function windows(count: number): string[] {
  const random = seededRandom("precompute").float;
  const vocab = [
    "heart",
    "Valve",
    "ﬁbre",
    "Straße",
    "lymph",
    "node",
    "x-ray",
    "3:1",
    "the",
    "of",
    "Ω",
    "blood",
  ];
  const stream = Array.from({ length: count * 20 + 200 }, () => vocab[Math.floor(random() * vocab.length)]);
  const texts = Array.from({ length: count }, (_, i) => stream.slice(i * 20, i * 20 + 90).join(" "));
  for (let i = 0; i < count; i += 9) texts[i] = (texts[i + 1] ?? "").toUpperCase().replace(/ /g, "  ");
  for (let i = 5; i < count; i += 13) texts[i] = texts[i - 1] as string;
  return texts;
}

/** Every verdict of `index` for each positive against the first `candidates` passages, and which are the same text. */
function verdicts(index: OverlapIndex, texts: string[], candidates = texts.length): string[] {
  const out: string[] = [];
  texts.forEach((text, i) => {
    const probe = index.prepare(text, i);
    const loose = index.prepare(`${text} tail`);
    for (let j = 0; j < candidates; j++) {
      out.push(`${index.check(probe, j).reason}/${index.check(loose, j).reason}/${index.sameText(i, j)}`);
    }
  });
  return out;
}

describe("precomputeOverlap", () => {
  it("gives every verdict the lazily computed index gives, for each rule", async () => {
    const texts = windows(1200);
    for (const rule of RULES) {
      const lazy = new OverlapIndex(texts.length, (d) => texts[d] as string, rule);
      const ahead = new OverlapIndex(texts.length, (d) => texts[d] as string, rule);
      await precomputeOverlap(ahead, (d) => texts[d] as string, 2);
      // Every passage's fingerprints are there before the first check.
      if (rule.minSharedChars !== 0) expect(ahead.byteLength).toBeGreaterThan(lazy.byteLength);
      const sample = texts.slice(0, 40);
      const want = verdicts(lazy, sample, 200);
      expect(verdicts(ahead, sample, 200)).toEqual(want);
      if (rule.minSharedChars !== 0) expect(want.some((v) => v.startsWith("shared-run"))).toBe(true);
      expect(want.some((v) => v.startsWith("identical"))).toBe(true);
    }
  });

  it.skipIf(!sampleCorpusAvailable)("agrees with the lazy index on the real sample corpus", async () => {
    const texts = loadSampleCorpus();
    const lazy = new OverlapIndex(texts.length, (d) => texts[d] as string);
    const ahead = new OverlapIndex(texts.length, (d) => texts[d] as string);
    await precomputeOverlap(ahead, (d) => texts[d] as string, 3);
    const want = verdicts(lazy, texts);
    expect(verdicts(ahead, texts)).toEqual(want);
    expect(want.filter((v) => v.startsWith("shared-run")).length).toBeGreaterThanOrEqual(18);
  });
});
