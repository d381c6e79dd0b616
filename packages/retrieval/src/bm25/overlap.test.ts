import { describe, expect, it } from "vitest";
import { DEFAULT_OVERLAP_RULE, OverlapDetector, resolveOverlapRule } from "./overlap.js";
import { longestCommonSubstring } from "./shared-run.js";
import { loadSampleCorpus, SAMPLE_CORPUS_PATH, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

const PASSAGE =
  "The lymphatic system collects interstitial fluid and returns it to the venous system. " +
  "Lymph passes through lymph nodes, where immune cells filter it. Valves in the lymphatic vessels " +
  "keep lymph flowing towards the heart, helped by the contraction of nearby skeletal muscles. " +
  "Lacteals in the small intestine absorb dietary fat as chylomicrons and carry it into the lymph.";

describe("OverlapDetector", () => {
  const detector = new OverlapDetector();

  it("flags identical texts, also after case and whitespace changes", () => {
    expect(detector.check(PASSAGE, PASSAGE)).toMatchObject({ overlapping: true, reason: "identical" });
    expect(detector.check(PASSAGE, `  ${PASSAGE.toUpperCase().replaceAll(" ", "\n ")}`).reason).toBe(
      "identical",
    );
  });

  it("flags a candidate sharing a long verbatim run", () => {
    const candidate = `Unrelated opening words about joints and cartilage. ${PASSAGE.slice(40, 360)} And then bones.`;
    expect(detector.check(PASSAGE, candidate)).toMatchObject({ overlapping: true, reason: "shared-run" });
  });

  it("flags an edited near-copy by shingle containment", () => {
    // Change two words: no 300-character run survives, most 8-word shingles do.
    const edited = PASSAGE.split(" ")
      .map((w, i) => (i % 25 === 12 ? "changed" : w))
      .join(" ");
    const verdict = detector.check(PASSAGE, edited);
    expect(longestCommonSubstring(PASSAGE.toLowerCase(), edited.toLowerCase())).toBeLessThan(300);
    expect(verdict.reason).toBe("containment");
    expect(verdict.containment).toBeGreaterThanOrEqual(0.5);
  });

  it("flags a short candidate lying word for word inside the positive", () => {
    expect(detector.check(PASSAGE, "Lymph passes through lymph nodes!").reason).toBe("containment");
    expect(detector.check(PASSAGE, "Lymph passes through nodes").overlapping).toBe(false);
  });

  it("does not flag a text on the same topic written differently", () => {
    const other =
      "Lymph nodes filter lymph. The thoracic duct drains most of the body's lymph into the left " +
      "subclavian vein, and the right lymphatic duct drains the rest. Swollen nodes suggest infection.";
    expect(detector.check(PASSAGE, other)).toMatchObject({ overlapping: false, reason: null });
  });

  it("can switch each rule off and validates its settings", () => {
    const candidate = `${PASSAGE.slice(0, 320)} tail`;
    expect(new OverlapDetector({ minSharedChars: 0 }).check(PASSAGE, candidate).reason).toBe("containment");
    expect(
      new OverlapDetector({ minSharedChars: 0, maxContainment: 0 }).check(PASSAGE, candidate).overlapping,
    ).toBe(false);
    expect(() => resolveOverlapRule({ minSharedChars: -1 })).toThrow(RangeError);
    expect(() => resolveOverlapRule({ shingleSize: 0 })).toThrow(RangeError);
    expect(() => resolveOverlapRule({ maxContainment: 1.5 })).toThrow(RangeError);
    expect(resolveOverlapRule()).toEqual(DEFAULT_OVERLAP_RULE);
  });

  it("reuses a prepared positive across candidates", () => {
    const prepared = detector.prepare(PASSAGE);
    expect(detector.check(prepared, PASSAGE).overlapping).toBe(true);
    expect(detector.check(prepared, "nothing alike at all").overlapping).toBe(false);
    expect(detector.check(prepared, "").overlapping).toBe(false);
  });
});

describe.skipIf(!sampleCorpusAvailable)(`overlap rule on the sample corpus (${SAMPLE_CORPUS_PATH})`, () => {
  const texts = sampleCorpusAvailable ? loadSampleCorpus() : [];
  const detector = new OverlapDetector();

  it("finds the runs a difflib longest-match reports (computed independently in Python)", () => {
    const neighbourRuns = [1267, 1113, 1258, 1118, 1295, 1319, 1180, 1215, 919];
    neighbourRuns.forEach((run, i) => {
      expect(longestCommonSubstring(texts[i] as string, texts[i + 1] as string)).toBe(run);
    });
    expect(longestCommonSubstring(texts[4] as string, texts[8] as string)).toBe(170);
  });

  it("flags every pair of neighbouring chunks and no other pair", () => {
    const prepared = texts.map((t) => detector.prepare(t));
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j++) {
        if (i === j) continue;
        const verdict = detector.check(prepared[i] as never, prepared[j] as never);
        const neighbours = Math.abs(i - j) === 1;
        expect(verdict.overlapping, `${i} vs ${j}: ${JSON.stringify(verdict)}`).toBe(neighbours);
        if (neighbours) expect(verdict.reason).toBe("shared-run");
        // Shingle containment alone would not have caught the neighbours: they share ~10-14%.
        expect(verdict.containment).toBeLessThan(0.2);
      }
    }
  });

  it("keeps a margin on both sides of the 300-character default", () => {
    let longestUnrelated = 0;
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 2; j < texts.length; j++) {
        const a = (texts[i] as string).toLowerCase().replace(/\s+/g, " ");
        const b = (texts[j] as string).toLowerCase().replace(/\s+/g, " ");
        longestUnrelated = Math.max(longestUnrelated, longestCommonSubstring(a, b));
      }
    }
    expect(longestUnrelated).toBeLessThan(DEFAULT_OVERLAP_RULE.minSharedChars * 0.6);
  });
});
