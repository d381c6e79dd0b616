import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { CompactBm25Index } from "./compact-index.js";
import { LunrBm25Engine } from "./lunr-engine.js";
import { expectSameHits } from "./testdata/expect-same-hits.js";
import { naiveBm25, rank } from "./testdata/naive-bm25.js";
import { NASTY_QUERIES } from "./testdata/nasty-queries.js";
import { loadSampleCorpus, SAMPLE_CORPUS_PATH, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

// Questions written for the 10 chunks of pipeline_small_chunk.json (an anatomy textbook's opening
// chapter: imaging, skeleton, joints, lymphatics, somites, the autonomic nervous system).
const QUESTIONS = [
  "What is the difference between gross anatomy and microscopic anatomy, also called histology?",
  "Why does bone appear white on a plain radiograph while air appears dark?",
  "How does an ingested barium sulfate suspension help image the gastrointestinal tract?",
  "What is produced when technetium-99m is combined with methylene diphosphonate, and what does a bone scan show?",
  "How is cartilage nourished if it has no blood vessels of its own?",
  "Which bones make up the axial skeleton, and which the appendicular skeleton?",
  "How do synovial joints differ from fibrous and cartilaginous joints?",
  "What role do lacteals play when chylomicrons are absorbed from the small intestine?",
  "Why do lymphatic vessels need valves to move lymph toward the heart?",
  "How do somites give rise to epaxial and hypaxial muscles, and which rami innervate them?",
  "By which pathways do sympathetic fibers reach their target tissues?",
  "Where do the two sympathetic trunks converge at the ganglion impar near the coccyx?",
];

describe.skipIf(!sampleCorpusAvailable)(`BM25 engines on the sample corpus (${SAMPLE_CORPUS_PATH})`, () => {
  const texts = sampleCorpusAvailable ? loadSampleCorpus() : [];
  const analysed = texts.map((t) => analyze(t));
  const lucene = CompactBm25Index.fromTexts(texts);
  const compactLunr = CompactBm25Index.fromTexts(texts, { scoring: "lunr" });
  const lunrEngine = LunrBm25Engine.build(texts);

  it("is the corpus the tests were written for", () => {
    expect(texts).toHaveLength(10);
    expect(texts.every((t) => t.length > 7000)).toBe(true);
  });

  it("(a) compact with lunr scoring and lunr's own index return the same ranking", () => {
    for (const q of QUESTIONS) {
      const expected = lunrEngine.search(q, 10);
      expect(expected.length).toBeGreaterThan(3);
      expectSameHits(compactLunr.search(q, 10), expected, 1e-4);
      expectSameHits(compactLunr.search(q, 3), lunrEngine.search(q, 3), 1e-4);
    }
  });

  it("(b) compact with lucene scoring equals a straightforward BM25 (k1 0.9, b 0.4)", () => {
    for (const q of QUESTIONS) {
      const expected = rank(naiveBm25(analysed, analyze(q), 0.9, 0.4)).slice(0, 10);
      expectSameHits(lucene.search(q, 10), expected, 1e-5);
    }
    const tuned = CompactBm25Index.fromTexts(texts, { k1: 1.2, b: 0.75 });
    for (const q of QUESTIONS) {
      expectSameHits(tuned.search(q, 5), rank(naiveBm25(analysed, analyze(q), 1.2, 0.75)).slice(0, 5), 1e-5);
    }
  });

  it("(b') the lucene ranking puts a chunk that holds the answer in the top 2", () => {
    // A phrase carrying each question's answer; because chunks overlap, several chunks may hold it.
    const answers = [
      "microscopic anatomy",
      "white on",
      "barium sulfate",
      "methylene diphosphonate",
      "cartilage is nour",
      "appendicular skeleton",
      "synovial joint",
      "lacteal",
      "valves",
      "hypaxial",
      "target tissues",
      "ganglion impar",
    ];
    QUESTIONS.forEach((q, i) => {
      const phrase = answers[i] as string;
      const holders = texts.flatMap((t, id) => (t.toLowerCase().includes(phrase) ? [id] : []));
      expect(holders.length, phrase).toBeGreaterThan(0);
      const top = lucene.search(q, 2).map((h) => h.docId);
      expect(
        top.some((id) => holders.includes(id)),
        `${q} -> ${top.join(",")}; "${phrase}" in ${holders.join(",")}`,
      ).toBe(true);
    });
  });

  it("(c) neither engine throws on question text that breaks lunr's parser", () => {
    for (const q of NASTY_QUERIES) {
      expect(() => lucene.search(q, 5)).not.toThrow();
      expect(() => lunrEngine.search(q, 5)).not.toThrow();
      expectSameHits(compactLunr.search(q, 10), lunrEngine.search(q, 10), 1e-4);
    }
  });

  it("(d) exclude removes documents from both engines alike", () => {
    for (const q of QUESTIONS) {
      const full = lucene.search(q, 10).map((h) => h.docId);
      const banned = new Set(full.slice(0, 2));
      const exclude = (d: number) => banned.has(d);
      const hits = lucene.search(q, 10, { exclude }).map((h) => h.docId);
      expect(hits).toEqual(full.filter((d) => !banned.has(d)));
      expectSameHits(compactLunr.search(q, 4, { exclude }), lunrEngine.search(q, 4, { exclude }), 1e-4);
    }
  });

  it("(e) empty queries and queries with no indexed term return []", () => {
    for (const q of ["", "   ", "the and of what is", "zyxwvut qqqq", "??? --- ..."]) {
      expect(lucene.search(q, 10)).toEqual([]);
      expect(compactLunr.search(q, 10)).toEqual([]);
      expect(lunrEngine.search(q, 10)).toEqual([]);
    }
  });
});
