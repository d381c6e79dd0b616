import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("stores an embedding as base64 float32 and reads it back; a chat entry is no embedding, and back", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-cache-"));
    const cache = new ResponseCache(dir);
    const key = embeddingCacheKey({ model: "e", text: "hi" });
    const vector = Float32Array.from([0.25, -1.5, 1e-3]);
    await cache.setEmbedding(key, { model: "e-v2", vector });
    expect(await cache.getEmbedding(key)).toEqual({ model: "e-v2", vector });
    const stored = JSON.parse(await readFile(cache.pathOf(key), "utf8"));
    expect(stored).toMatchObject({ v: 1, kind: "embedding", model: "e-v2", dimensions: 3 });
    expect(typeof stored.vector).toBe("string");
    expect(await cache.get(key)).toBeUndefined();

    const chat = "ef".padEnd(64, "2");
    await cache.set(chat, { model: "m", text: "x", usage: { promptTokens: 0, completionTokens: 0 } });
    expect(await cache.getEmbedding(chat)).toBeUndefined();
    // A vector cut short, or holding a NaN, is a miss.
    await writeFile(cache.pathOf(key), JSON.stringify({ ...stored, vector: "AAAAAAA=" }));
    expect(await cache.getEmbedding(key)).toBeUndefined();
    const nan = Buffer.alloc(4);
    nan.writeFloatLE(Number.NaN);
    await writeFile(cache.pathOf(key), JSON.stringify({ ...stored, vector: nan.toString("base64") }));
    expect(await cache.getEmbedding(key)).toBeUndefined();
  });
});
