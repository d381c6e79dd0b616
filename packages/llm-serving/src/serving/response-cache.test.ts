import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { canonicalJson } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { cacheKey, embeddingCacheKey, ResponseCache } from "./response-cache.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("ResponseCache", () => {
  it("keys on model, messages, settings and schema, whatever the key order", () => {
    const base = {
      model: "m",
      messages: [{ role: "user" as const, content: "hi" }],
      settings: { temperature: 0, seed: 1 },
    };
    const key = cacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...base, settings: { seed: 1, temperature: 0 } })).toBe(key);
    expect(cacheKey({ ...base, model: "n" })).not.toBe(key);
    expect(cacheKey({ ...base, settings: { temperature: 0.1, seed: 1 } })).not.toBe(key);
    expect(cacheKey({ ...base, schema: { type: "object" } })).not.toBe(key);
    expect(cacheKey({ ...base, messages: [{ role: "system", content: "hi" }] })).not.toBe(key);
  });

  it("stores entries atomically in sharded folders and reads them back", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const cache = new ResponseCache(dir);
    const key = "ab".padEnd(64, "0");
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, { model: "m", text: "hello", usage: { promptTokens: 1, completionTokens: 2 } });
    expect(await readdir(dir)).toEqual(["ab"]);
    expect(await readdir(join(dir, "ab"))).toEqual([`${key}.json`]);
    expect(await cache.get(key)).toEqual({
      model: "m",
      text: "hello",
      usage: { promptTokens: 1, completionTokens: 2 },
    });
    await cache.set(key, {
      model: "m",
      text: "again",
      reasoningContent: "r",
      usage: { promptTokens: 1, completionTokens: 2 },
    });
    expect(await cache.get(key)).toMatchObject({ text: "again", reasoningContent: "r" });
    expect(JSON.parse(await readFile(cache.pathOf(key), "utf8"))).toMatchObject({ v: 1, text: "again" });
  });

  it("treats a torn or foreign entry as a miss", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const cache = new ResponseCache(dir);
    const key = "cd".padEnd(64, "1");
    await cache.set(key, { model: "m", text: "x", usage: { promptTokens: 0, completionTokens: 0 } });
    await writeFile(cache.pathOf(key), '{"v": 1, "text": "x"');
    expect(await cache.get(key)).toBeUndefined();
    await writeFile(cache.pathOf(key), '{"v": 99, "model": "m", "text": "x"}');
    expect(await cache.get(key)).toBeUndefined();
  });

  it("keys embeddings on model, dimensions and text, apart from chat keys", () => {
    const key = embeddingCacheKey({ model: "e", text: "hi" });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(embeddingCacheKey({ model: "e", text: "hi", dimensions: undefined })).toBe(key);
    expect(embeddingCacheKey({ model: "e", text: "hi", dimensions: 64 })).not.toBe(key);
    expect(embeddingCacheKey({ model: "f", text: "hi" })).not.toBe(key);
    expect(embeddingCacheKey({ model: "e", text: "hi " })).not.toBe(key);
    expect(cacheKey({ model: "e", messages: [{ role: "user", content: "hi" }], settings: {} })).not.toBe(key);
  });

  it("hashes embedding keys as the canonical JSON of their parts", () => {
    const parts = { model: "e", dimensions: 8, text: 'say "hi"\n' };
    const material = { v: 1, kind: "embedding", model: "e", dimensions: 8, text: parts.text };
    expect(embeddingCacheKey(parts)).toBe(createHash("sha256").update(canonicalJson(material)).digest("hex"));
  });

  it("stores embeddings in one segment per model and length, and reads them back", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const cache = new ResponseCache(dir);
    const e = { model: "e" };
    const e8 = { model: "e", dimensions: 8 };
    const vector = Float32Array.from([0.25, -1.5, 1e-3]);
    expect(await cache.getEmbedding({ ...e, text: "hi" })).toBeUndefined();
    await cache.setEmbedding({ ...e, text: "hi" }, { model: "e-v2", vector });
    await cache.setEmbeddings(e8, [{ text: "hi", model: "e", vector: new Float32Array(8).fill(1) }]);
    await cache.setEmbeddings({ model: "f" }, [{ text: "other", model: "f", vector }]);

    expect(await cache.getEmbedding({ ...e, text: "hi" })).toEqual({ model: "e-v2", vector });
    expect((await cache.getEmbedding({ ...e8, text: "hi" }))?.vector).toHaveLength(8);
    expect(await cache.getEmbeddings({ model: "f" }, ["hi", "other"])).toEqual([
      undefined,
      { model: "f", vector },
    ]);
    expect(await readdir(dir)).toEqual(["embeddings"]);
    const files = await readdir(join(dir, "embeddings"));
    expect(files.sort()).toEqual(
      [cache.embeddingPathOf(e), cache.embeddingPathOf(e8), cache.embeddingPathOf({ model: "f" })]
        .map((p) => basename(p))
        .sort(),
    );
    expect(files.every((f) => /^[0-9a-f]{16}\.bin$/.test(f))).toBe(true);
    // Only digests of the texts are stored.
    expect((await readFile(cache.embeddingPathOf(e))).includes("hi")).toBe(false);
  });

  it("shares segments between instances on one folder; calls made together are one write", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const a = new ResponseCache(dir);
    const b = new ResponseCache(dir);
    const space = { model: "e", dimensions: 4 };
    const texts = Array.from({ length: 50 }, (_, i) => `text ${i}`);
    await Promise.all([
      ...texts.map((text, i) =>
        a.setEmbedding({ ...space, text }, { model: "e", vector: new Float32Array(4).fill(i) }),
      ),
      b.setEmbeddings(space, [{ text: "from b", model: "e", vector: new Float32Array(4) }]),
    ]);
    expect(await b.embeddingStats(space)).toMatchObject({ records: 51, writes: 1, damaged: 0 });
    const got = await b.getEmbeddings(space, [...texts, "from b"]);
    expect(got.map((g) => g?.vector[0])).toEqual([...texts.map((_, i) => i), 0]);
  });

  it("misses vectors that are not finite, and old per-file embedding entries", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const cache = new ResponseCache(dir);
    const parts = { model: "e", text: "nan" };
    await cache.setEmbedding(parts, { model: "e", vector: Float32Array.from([1, Number.NaN]) });
    expect(await cache.getEmbedding(parts)).toBeUndefined();

    const old = { model: "e", text: "old" };
    const key = embeddingCacheKey(old);
    await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
    await writeFile(
      cache.pathOf(key),
      JSON.stringify({ v: 1, kind: "embedding", model: "e", dimensions: 1, vector: "AACAPw==" }),
    );
    expect(await cache.getEmbedding(old)).toBeUndefined();
    expect(await cache.get(key)).toBeUndefined();
  });
});
