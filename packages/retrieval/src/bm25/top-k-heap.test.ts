import { describe, expect, it } from "vitest";
import { seededRandom } from "@dataflow/core";
import { TopKHeap } from "./top-k-heap.js";

function selectTopK(pairs: { docId: number; score: number }[], k: number) {
  const heap = new TopKHeap(k);
  for (const p of pairs) if (heap.admits(p.score, p.docId)) heap.push(p.score, p.docId);
  return heap.drain();
}

describe("TopKHeap", () => {
  it("equals sort-and-slice (score desc, docId asc) on random input with many ties", () => {
    const random = seededRandom("7").float;
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(random() * 80);
      const k = Math.floor(random() * 12);
      const ids = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
      const pairs = ids.map((docId) => ({ docId, score: Math.floor(random() * 5) / 4 }));
      const expected = [...pairs].sort((a, b) => b.score - a.score || a.docId - b.docId).slice(0, k);
      expect(selectTopK(pairs, k)).toEqual(expected);
    }
  });

  it("admits nothing with capacity 0 and drains empty", () => {
    const heap = new TopKHeap(0);
    expect(heap.admits(1, 0)).toBe(false);
    expect(heap.drain()).toEqual([]);
  });

  it("prefers the lower docId on equal scores", () => {
    expect(
      selectTopK(
        [
          { docId: 9, score: 1 },
          { docId: 3, score: 1 },
          { docId: 5, score: 1 },
        ],
        2,
      ),
    ).toEqual([
      { docId: 3, score: 1 },
      { docId: 5, score: 1 },
    ]);
  });
});
