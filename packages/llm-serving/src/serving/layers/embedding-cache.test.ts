import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { CacheWrites } from "../cache-writes.js";
import { ResponseCache } from "../response-cache.js";
import type { EmbedCall } from "./embed-call.js";
import { embeddingCache, embeddingCacheStore } from "./embedding-cache.js";
import { newCall } from "./layer.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function cacheDir(): Promise<ResponseCache> {
  dir = await mkdtemp(join(tmpdir(), "dataflow-embedding-cache-"));
  return new ResponseCache(dir);
}

const vector = (...values: number[]) => Float32Array.from(values);

describe("embeddingCache", () => {
  it("answers cached texts, counting each as often as the caller listed it, and sends only the misses", async () => {
    const cache = await cacheDir();
    await cache.setEmbeddings({ model: "e", dimensions: undefined }, [
      { text: "a", model: "e", vector: vector(1, 0) },
    ]);
    const hits: [string | undefined, number][] = [];
    const sent: EmbedCall[] = [];
    const send = embeddingCache({ cache, dimensions: undefined, onHit: (tag, n) => hits.push([tag, n]) })(
      async (ask) => {
        sent.push(ask);
        return { vectors: ask.texts.map(() => vector(0, 1)), promptTokens: 7, cached: 0 };
      },
    );
    const answer = await send(
      { model: "e", texts: ["a", "b", "c"], uses: [3, 1, 2] },
      newCall(undefined, "t"),
    );
    expect(sent).toEqual([{ model: "e", texts: ["b", "c"], uses: [1, 2] }]);
    expect(answer.vectors.map((v) => Array.from(v))).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(answer).toMatchObject({ promptTokens: 7, cached: 3 });
    expect(hits).toEqual([["t", 3]]);
  });

  it("sends nothing when every text is cached, and takes a vector of another length for a miss", async () => {
    const cache = await cacheDir();
    const space = { model: "e", dimensions: 2 };
    await cache.setEmbeddings(space, [
      { text: "fits", model: "e", vector: vector(1, 2) },
      { text: "old", model: "e", vector: vector(1, 2, 3) },
    ]);
    const sent: string[][] = [];
    const send = embeddingCache({ cache, dimensions: 2, onHit() {} })(async (ask) => {
      sent.push([...ask.texts]);
      return { vectors: ask.texts.map(() => vector(5, 5)), promptTokens: 1, cached: 0 };
    });
    expect(
      (await send({ model: "e", texts: ["fits"], uses: [1] }, newCall(undefined, undefined))).cached,
    ).toBe(1);
    expect(sent).toEqual([]);
    await send({ model: "e", texts: ["fits", "old"], uses: [1, 1] }, newCall(undefined, undefined));
    expect(sent).toEqual([["old"]]);
  });
});

describe("embeddingCacheStore", () => {
  it("appends a batch's vectors under the model that answered, keyed by the one asked for", async () => {
    const cache = await cacheDir();
    const send = embeddingCacheStore({
      cache,
      dimensions: undefined,
      writes: new CacheWrites("s", silentLogger),
    })(async (batch) => ({
      vectors: batch.texts.map((t) => vector(t.length)),
      promptTokens: 2,
      model: "e-v2",
    }));
    await send({ model: "e", texts: ["x", "yy"] }, newCall(undefined, undefined));
    const stored = await cache.getEmbeddings({ model: "e", dimensions: undefined }, ["x", "yy", "z"]);
    expect(stored.map((s) => s && [s.model, Array.from(s.vector)])).toEqual([
      ["e-v2", [1]],
      ["e-v2", [2]],
      undefined,
    ]);
  });
});
