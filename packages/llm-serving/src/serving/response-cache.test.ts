import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ResponseCache, cacheKey } from "./response-cache.js";

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
});
