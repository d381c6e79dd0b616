import { seededRandom } from "@dataflow/core";

/** Random texts over a small skewed vocabulary, with stop words, punctuation and case, so ties abound. */
export function randomCorpus(seed: number, docs: number, vocabulary: number): string[] {
  const random = seededRandom(String(seed)).float;
  const words = Array.from({ length: vocabulary }, (_, i) => `w${i.toString(36)}x`);
  const extras = [
    "the",
    "of",
    "and",
    "Heart",
    "heart,",
    "(valve)",
    "—",
    "x-ray",
    "rays",
    "ray.",
    "3:1",
    "e^x",
  ];
  const pick = () => {
    if (random() < 0.15) return extras[Math.floor(random() * extras.length)] as string;
    // Squaring skews towards low ranks, a cheap stand-in for a Zipf head.
    return words[Math.floor(random() ** 2 * vocabulary)] as string;
  };
  return Array.from({ length: docs }, () => {
    const n = Math.floor(random() * 60);
    return Array.from({ length: n }, pick).join(" ");
  });
}
