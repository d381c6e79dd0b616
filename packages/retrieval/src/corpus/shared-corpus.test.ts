import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedCorpusLoader } from "./shared-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "shared-corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sharedCorpusLoader", () => {
  it("loads once for concurrent and later callers", async () => {
    const file = join(dir, "a.jsonl");
    writeFileSync(file, `${JSON.stringify({ id: "x", text: "one" })}\n`);
    const load = sharedCorpusLoader({ file });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    writeFileSync(file, "");
    expect(await load()).toBe(a);
    expect(a?.size).toBe(1);
  });

  it("forgets a failed load, so the next call reads the file again", async () => {
    const file = join(dir, "late.jsonl");
    const load = sharedCorpusLoader({ file });
    await expect(load()).rejects.toThrow(/corpus file not found: .*late\.jsonl/);
    writeFileSync(file, `${JSON.stringify({ id: "y", text: "two" })}\n`);
    expect((await load()).passage(0)).toEqual({ id: "y", text: "two" });
  });
});
