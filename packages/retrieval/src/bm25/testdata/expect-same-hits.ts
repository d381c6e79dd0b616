import { expect } from "vitest";
import type { Bm25Hit } from "../engine.js";

/** Same docIds in the same order, scores equal within `rel` relative. */
export function expectSameHits(actual: Bm25Hit[], expected: Bm25Hit[], rel = 1e-4): void {
  expect(actual.map((h) => h.docId)).toEqual(expected.map((h) => h.docId));
  actual.forEach((hit, i) => {
    const want = (expected[i] as Bm25Hit).score;
    expect(Math.abs(hit.score - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-9));
  });
}
