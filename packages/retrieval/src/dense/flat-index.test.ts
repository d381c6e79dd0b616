import { describe, expect, it } from "vitest";
import { seededRandom } from "@dataflow/core";
import { type DenseHit, FlatCosineIndex } from "./flat-index.js";
import { WasmDotKernel } from "./wasm-dot-kernel.js";

function randomVectors(seed: number, count: number, dims: number): Float32Array[] {
  const random = seededRandom(String(seed)).float;
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
}

/** Cosine similarity in float64, straight from the definition. */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function bruteForce(
  docs: readonly Float32Array[],
  query: Float32Array,
  k: number,
  exclude: (d: number) => boolean = () => false,
) {
  return docs
    .map((v, docId) => ({ docId, score: cosine(v, query) }))
    .filter((h) => !exclude(h.docId))
    .sort((a, b) => b.score - a.score || a.docId - b.docId)
    .slice(0, k);
}

/**
 * The index scores in float32, the reference in float64: the same hits in the same order, scores
 * within float32 rounding, except that hits whose reference scores are within that rounding of
 * each other may swap places.
 */
function expectSameAsReference(hits: DenseHit[], reference: { docId: number; score: number }[]): void {
  const eps = 1e-5;
  expect(hits.length).toBe(reference.length);
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as DenseHit;
    const ref = reference[i] as { docId: number; score: number };
    expect(Math.abs(hit.score - ref.score)).toBeLessThan(eps);
    if (hit.docId !== ref.docId) {
      const refScore = reference.find((r) => r.docId === hit.docId)?.score ?? Number.NEGATIVE_INFINITY;
      expect(Math.abs(refScore - ref.score)).toBeLessThan(eps);
    }
  }
  for (let i = 1; i < hits.length; i++) {
    const a = hits[i - 1] as DenseHit;
    const b = hits[i] as DenseHit;
    expect(a.score > b.score || (a.score === b.score && a.docId < b.docId)).toBe(true);
  }
}

describe.each(["wasm", "js"] as const)("FlatCosineIndex (%s kernel)", (kernel) => {
  it("finds the exact cosine top k of a brute-force scan, for many dims and k", () => {
    for (const [dims, count] of [
      [1, 40],
      [3, 200],
      [8, 300],
      [17, 500],
      [384, 300],
    ] as const) {
      const docs = randomVectors(dims * 31 + 1, count, dims);
      const index = new FlatCosineIndex(dims, { kernel });
      expect(index.kernel).toBe(kernel);
      for (const [i, v] of docs.entries()) expect(index.add(v)).toBe(i);
      expect(index.size).toBe(count);
      for (const [q, query] of randomVectors(dims + 7, 12, dims).entries()) {
        const k = [1, 5, 10, 50][q % 4] as number;
        expectSameAsReference(index.search(query, k), bruteForce(docs, query, k));
      }
    }
  });

  it("stores vectors L2-normalised", () => {
    const index = new FlatCosineIndex(3, { kernel });
    index.add([3, 0, 4]);
    expect(Array.from(index.vector(0))).toEqual([0.6000000238418579, 0, 0.800000011920929]);
    expect(index.vector(0)).toHaveLength(3);
    expect(() => index.vector(1)).toThrow(/docId 1 outside 0\.\.0/);
  });

  it("breaks score ties by docId, and equal directions score exactly alike", () => {
    const index = new FlatCosineIndex(3, { kernel });
    // (2, 0, 0) and (5, 0, 0) normalise to exactly (1, 0, 0); docs 1 and 3 are identical.
    for (const v of [
      [2, 0, 0],
      [0, 1, 1],
      [0, 3, 0],
      [0, 1, 1],
      [5, 0, 0],
    ])
      index.add(v);
    const hits = index.search([1, 0, 0], 5);
    expect(hits.map((h) => h.docId)).toEqual([0, 4, 1, 2, 3]);
    expect(hits[0]?.score).toBe(1);
    expect(hits[1]?.score).toBe(1);
    expect(hits.slice(2).map((h) => h.score)).toEqual([0, 0, 0]);
    const twins = index.search([0, 1, 1], 2);
    expect(twins.map((h) => h.docId)).toEqual([1, 3]);
    expect(twins[0]?.score).toBe(twins[1]?.score);
    expect(twins[0]?.score).toBeCloseTo(1, 6);
  });

  it("never returns excluded documents, and asks only about candidates", () => {
    const docs = randomVectors(11, 400, 16);
    const index = new FlatCosineIndex(16, { kernel });
    for (const v of docs) index.add(v);
    const [query] = randomVectors(12, 1, 16) as [Float32Array];
    const best = bruteForce(docs, query, 3).map((h) => h.docId);
    const asked = new Set<number>();
    const exclude = (d: number) => {
      asked.add(d);
      return best.includes(d) || d % 2 === 1;
    };
    const hits = index.search(query, 10, { exclude });
    expectSameAsReference(
      hits,
      bruteForce(docs, query, 10, (d) => best.includes(d) || d % 2 === 1),
    );
    expect(hits.some((h) => best.includes(h.docId) || h.docId % 2 === 1)).toBe(false);
    expect(asked.size).toBeLessThan(docs.length / 2);
    // Excluding everything leaves nothing.
    expect(index.search(query, 5, { exclude: () => true })).toEqual([]);
  });

  it("rejects vectors and queries of the wrong dimension, and non-finite values", () => {
    const index = new FlatCosineIndex(4, { kernel });
    expect(() => index.add([1, 2, 3])).toThrow(
      "FlatCosineIndex: the vector has 3 dimensions but the index holds 4-dimensional vectors",
    );
    index.add([1, 2, 3, 4]);
    expect(() => index.search([1, 2, 3, 4, 5], 1)).toThrow(
      /query vector has 5 dimensions but the index holds 4-dimensional/,
    );
    expect(() => index.searchMany([[1, 2, 3, 4], [1]], 1)).toThrow(/query vector has 1 dimensions/);
    expect(() => index.add([1, Number.NaN, 0, 0])).toThrow("FlatCosineIndex: vector component 1 is NaN");
    expect(() => index.search([0, 0, Number.POSITIVE_INFINITY, 0], 1)).toThrow(
      /query vector component 2 is Infinity/,
    );
    expect(index.size).toBe(1);
    expect(() => new FlatCosineIndex(0)).toThrow(/dims must be an integer in 1\.\.65536, got 0/);
    expect(() => new FlatCosineIndex(2.5)).toThrow(/dims must be an integer/);
  });

  it("keeps zero vectors as zero: they score 0, and a zero query ties everything", () => {
    const index = new FlatCosineIndex(2, { kernel });
    for (const v of [
      [0, 0],
      [1, 0],
      [-1, 0],
      [0, 0],
    ])
      index.add(v);
    expect(Array.from(index.vector(0))).toEqual([0, 0]);
    expect(index.search([1, 0], 4)).toEqual([
      { docId: 1, score: 1 },
      { docId: 0, score: 0 },
      { docId: 3, score: 0 },
      { docId: 2, score: -1 },
    ]);
    expect(index.search([0, 0], 2)).toEqual([
      { docId: 0, score: 0 },
      { docId: 1, score: 0 },
    ]);
  });

  it("handles k of 0, above the size, fractional, and an empty index", () => {
    const index = new FlatCosineIndex(2, { kernel });
    expect(index.search([1, 0], 3)).toEqual([]);
    index.add([1, 0]);
    index.add([0, 1]);
    expect(index.search([1, 0], 0)).toEqual([]);
    expect(index.search([1, 0], -1)).toEqual([]);
    expect(index.search([1, 0], 10).map((h) => h.docId)).toEqual([0, 1]);
    expect(index.search([1, 0], 1.9).map((h) => h.docId)).toEqual([0]);
  });

  it("gives the same answers across segment boundaries as in one segment", () => {
    const dims = 5; // padded to 8 floats: 32 bytes a row
    const docs = randomVectors(5, 23, dims);
    const whole = new FlatCosineIndex(dims, { kernel });
    for (const v of docs) whole.add(v);
    for (const rowsPerSegment of [1, 3, 7, 22, 23]) {
      const split = new FlatCosineIndex(dims, { kernel, segmentBytes: rowsPerSegment * 32 });
      for (const [i, v] of docs.entries()) expect(split.add(v)).toBe(i);
      for (let i = 0; i < docs.length; i++) expect(split.vector(i)).toEqual(whole.vector(i));
      for (const query of randomVectors(6, 5, dims)) {
        for (const k of [1, 4, 23]) {
          const exclude = (d: number) => d === 3 || d === 7;
          expect(split.search(query, k, { exclude })).toEqual(whole.search(query, k, { exclude }));
        }
      }
    }
  });

  it("grows a segment past its first allocation without losing rows", () => {
    const dims = 8;
    const docs = randomVectors(21, 5000, dims);
    const index = new FlatCosineIndex(dims, { kernel });
    for (const v of docs) index.add(v);
    for (const docId of [0, 255, 256, 1015, 1016, 4999]) {
      const [hit] = index.search(docs[docId] as Float32Array, 1);
      expect(hit?.docId).toBe(docId);
      expect(hit?.score).toBeCloseTo(1, 5);
    }
  });

  it("answers searchMany exactly as search, for any number of queries, with per-query exclusion", () => {
    const dims = 24;
    const docs = randomVectors(31, 2500, dims);
    const index = new FlatCosineIndex(dims, { kernel });
    for (const v of docs) index.add(v);
    const queries = randomVectors(32, 19, dims);
    for (const count of [1, 2, 3, 5, 8, 9, 19]) {
      const batch = queries.slice(0, count);
      const many = index.searchMany(batch, 7, { exclude: (d, q) => d % (q + 2) === 0 });
      expect(many).toHaveLength(count);
      batch.forEach((query, q) => {
        expect(many[q]).toEqual(index.search(query, 7, { exclude: (d) => d % (q + 2) === 0 }));
      });
    }
    expect(index.searchMany([], 3)).toEqual([]);
  });
});

describe("FlatCosineIndex kernels", () => {
  it("compile the SIMD kernel on this runtime, and pick it by default", () => {
    // Node 20+ has WebAssembly SIMD (only --jitless takes it away): a kernel that fails to
    // assemble would otherwise fall back to JavaScript unnoticed.
    expect(WasmDotKernel.load()).toBeDefined();
    expect(new FlatCosineIndex(4).kernel).toBe("wasm");
  });

  it("score bit-identically in WebAssembly and JavaScript", () => {
    for (const dims of [1, 6, 64, 385]) {
      const docs = randomVectors(dims, 1500, dims);
      const wasm = new FlatCosineIndex(dims, { kernel: "wasm" });
      const js = new FlatCosineIndex(dims, { kernel: "js" });
      for (const v of docs) {
        wasm.add(v);
        js.add(v);
      }
      const queries = randomVectors(dims + 1, 6, dims);
      expect(wasm.searchMany(queries, 20)).toEqual(js.searchMany(queries, 20));
    }
  });

  it("rejects a bad segment size", () => {
    expect(() => new FlatCosineIndex(4, { segmentBytes: 0 })).toThrow(/segmentBytes must be in/);
  });
});
