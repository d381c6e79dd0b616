import { seededRandom } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { OverlapDetector, type OverlapRule } from "./overlap.js";
import { OverlapIndex } from "./overlap-index.js";
import { loadSampleCorpus, SAMPLE_CORPUS_PATH, sampleCorpusAvailable } from "./testdata/sample-corpus.js";
import { winnowFingerprints } from "./winnow.js";

const RULES: Partial<OverlapRule>[] = [
  {},
  { minSharedChars: 40, shingleSize: 3, maxContainment: 0.3 },
  { minSharedChars: 12, shingleSize: 1, maxContainment: 0.9 },
  { minSharedChars: 60, normalize: false },
  { minSharedChars: 0 },
  { maxContainment: 0 },
];

/** Texts built to sit on every side of each rule: copies, case and space changes, runs just at and below the length, edits. */
function trickyTexts(seed: number, count: number): string[] {
  const random = seededRandom(String(seed)).float;
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
    "İstanbul",
  ];
  const word = () => vocab[Math.floor(random() * vocab.length)] as string;
  const base = Array.from({ length: 8 }, () =>
    Array.from({ length: 20 + Math.floor(random() * 120) }, word).join(" "),
  );
  const out: string[] = [...base];
  while (out.length < count) {
    const a = out[Math.floor(random() * out.length)] as string;
    const b = base[Math.floor(random() * base.length)] as string;
    const from = Math.floor(random() * a.length);
    const len = Math.floor(random() * 90);
    const piece = a.slice(from, from + len);
    const r = random();
    if (r < 0.2) out.push(`${b.slice(0, 30)} ${piece} ${word()}`);
    else if (r < 0.35) out.push(a.toUpperCase().replaceAll(" ", "\n  "));
    else if (r < 0.5)
      out.push(
        a
          .split(" ")
          .map((w, i) => (i % 7 === 3 ? word() : w))
          .join(" "),
      );
    else if (r < 0.6) out.push(piece);
    else out.push(Array.from({ length: Math.floor(random() * 40) }, word).join(" "));
  }
  return out;
}

/** Asserts equal verdicts for every pair; returns how often each reason fired. */
function expectSameVerdicts(texts: string[], rule: Partial<OverlapRule>): Record<string, number> {
  const seen: Record<string, number> = {};
  const detector = new OverlapDetector(rule);
  const index = new OverlapIndex(texts.length, (d) => texts[d] as string, rule);
  for (let i = 0; i < texts.length; i++) {
    // Every other positive as its own passage (reusing the index's data), the others as new text.
    const probe = i % 2 === 0 ? index.prepare(texts[i] as string, i) : index.prepare(texts[i] as string);
    const prepared = detector.prepare(texts[i] as string);
    for (let j = 0; j < texts.length; j++) {
      const want = detector.check(prepared, texts[j] as string);
      const got = index.check(probe, j);
      seen[String(want.reason)] = (seen[String(want.reason)] ?? 0) + 1;
      expect(got, `rule ${JSON.stringify(rule)}: ${i} vs ${j}`).toEqual({
        overlapping: want.overlapping,
        reason: want.reason,
      });
      const same = detector.prepare(texts[i] as string).text === detector.prepare(texts[j] as string).text;
      expect(index.sameText(i, j)).toBe(same);
    }
  }
  return seen;
}

describe("OverlapIndex", () => {
  it("gives OverlapDetector's verdict for every pair of tricky texts, under each rule", () => {
    const texts = trickyTexts(7, 70);
    for (const rule of RULES) {
      const seen = expectSameVerdicts(texts, rule);
      // The texts reach each outcome the rule allows, so the comparison covers every branch.
      expect(seen.identical).toBeGreaterThan(0);
      expect(seen.null).toBeGreaterThan(0);
      if ((rule.minSharedChars ?? 300) > 0 && (rule.minSharedChars ?? 300) < 100)
        expect(seen["shared-run"]).toBeGreaterThan(0);
      if (rule.maxContainment !== 0) expect(seen.containment).toBeGreaterThan(0);
    }
  });

  it("fingerprints every common run of the guaranteed length", () => {
    const random = seededRandom("runs").float;
    const letters = "abcdefghij ";
    const text = (n: number) =>
      Array.from({ length: n }, () => letters[Math.floor(random() * letters.length)]).join("");
    for (let trial = 0; trial < 200; trial++) {
      const L = 5 + Math.floor(random() * 60);
      const run = text(L);
      const a = text(Math.floor(random() * 200)) + run + text(Math.floor(random() * 50));
      const b = text(Math.floor(random() * 50)) + run + text(Math.floor(random() * 200));
      const fa = new Set(winnowFingerprints(a, L));
      expect(
        winnowFingerprints(b, L).some((f) => fa.has(f)),
        `trial ${trial}, L ${L}`,
      ).toBe(true);
    }
    expect(winnowFingerprints("short", 10)).toHaveLength(0);
  });

  it("holds a few bytes per passage", () => {
    const texts = trickyTexts(3, 200);
    const index = new OverlapIndex(texts.length, (d) => texts[d] as string);
    expect(index.byteLength).toBeLessThan(texts.length * 64);
  });
});

describe.skipIf(!sampleCorpusAvailable)(`OverlapIndex on the sample corpus (${SAMPLE_CORPUS_PATH})`, () => {
  it("agrees with OverlapDetector on every pair of the textbook chunks, and on halves of them", () => {
    const chunks = sampleCorpusAvailable ? loadSampleCorpus() : [];
    const halves = chunks.flatMap((t) => [t.slice(0, t.length / 2), t.slice(t.length / 3)]);
    for (const rule of RULES.slice(0, 2)) expectSameVerdicts([...chunks, ...halves], rule);
  });
});
