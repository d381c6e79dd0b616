import { Bm25Retriever } from "@dataflow/retrieval";
import { describe, expect, it } from "vitest";
import { precomputeOnce, retrieverOverlap } from "./bm25-hard-neg-overlap-cache.js";

const texts = [
  "The tide mill stored seawater behind a gate and milled grain on the ebb.",
  "A sluice gate let the pond refill at high tide, twice each day.",
  "Millers worked by the tide table, so their hours moved every day.",
];

async function openRetriever(name: string): Promise<Bm25Retriever> {
  const retriever = new Bm25Retriever({ name, corpus: { ids: ["a", "b", "c"], texts } });
  await retriever.open();
  return retriever;
}

describe("the overlap data of a step retriever", () => {
  it("is worked out once per retriever and rule, and reused by the next run over it", async () => {
    const retriever = await openRetriever("shared");
    let reads = 0;
    const textOf = (d: number) => {
      reads++;
      return texts[d] ?? "";
    };
    const first = retrieverOverlap(retriever, textOf, {});
    const probe = first.prepare("a question about tide mills and their gates");
    for (let d = 0; d < texts.length; d++) first.check(probe, d);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThanOrEqual(texts.length);

    const second = retrieverOverlap(retriever, textOf, {});
    expect(second).toBe(first);
    for (let d = 0; d < texts.length; d++) second.check(probe, d);
    // Nothing is read again for the passages' data; only a verified match would read a candidate.
    expect(reads - afterFirst).toBeLessThan(texts.length);
  });

  it("is kept apart for another rule and another retriever", async () => {
    const one = await openRetriever("one");
    const two = await openRetriever("two");
    const textOf = (d: number) => texts[d] ?? "";
    const base = retrieverOverlap(one, textOf, {});
    expect(retrieverOverlap(one, textOf, { minSharedChars: 120 })).not.toBe(base);
    expect(retrieverOverlap(two, textOf, {})).not.toBe(base);
  });

  it("is computed on threads only once", async () => {
    const retriever = await openRetriever("threads");
    let reads = 0;
    const textOf = (d: number) => {
      reads++;
      return texts[d] ?? "";
    };
    const index = retrieverOverlap(retriever, textOf, {});
    await precomputeOnce(index, textOf, 2);
    expect(reads).toBe(texts.length);
    await precomputeOnce(index, textOf, 2);
    expect(reads).toBe(texts.length);
  });
});
