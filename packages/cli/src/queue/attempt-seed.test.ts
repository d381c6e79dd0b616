import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStepCache } from "@dataflow/storage";
import { afterAll, describe, expect, it } from "vitest";
import { seedAttempt } from "./attempt-seed.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-seed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const header = JSON.stringify({ fingerprint: "f1", step: "s" });
const entry = (id: string) => JSON.stringify({ id, o: { kind: "rows", rows: [{ id }] } });

function attempt(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, name, "steps"), { recursive: true });
  writeFileSync(join(dir, name, "steps", "s.jsonl"), text);
}

describe("seedAttempt", () => {
  it("gives a new attempt every whole entry of earlier attempts, leaving out a killed writer's torn line", async () => {
    const dir = join(tmp, "a");
    attempt(dir, "h-1-aa", `${header}\n${entry("r1")}\n${entry("r2")}\n{"id":"r3","o":{"ki`);
    attempt(dir, "h-2-bb", `${header}\n${entry("r4")}\n`);
    expect(await seedAttempt(dir, "h-3-cc")).toBe(3);
    const cache = await FileStepCache.open(join(dir, "h-3-cc", "steps", "s.jsonl"), "s", "f1");
    expect(["r1", "r2", "r3", "r4"].map((id) => cache.get(id) !== undefined)).toEqual([
      true,
      true,
      false,
      true,
    ]);
    await cache.close();
  });

  it("copies nothing for a first attempt, and never reads the attempt it seeds", async () => {
    const dir = join(tmp, "b");
    expect(await seedAttempt(dir, "h-1-aa")).toBe(0);
    attempt(dir, "h-1-aa", `${header}\n${entry("r1")}\n`);
    expect(await seedAttempt(dir, "h-1-aa")).toBe(0);
    expect(readFileSync(join(dir, "h-1-aa", "steps", "s.jsonl"), "utf8")).toBe(`${header}\n${entry("r1")}\n`);
  });

  it("keeps the entries under the header most of them share when attempts disagree", async () => {
    const dir = join(tmp, "c");
    const other = JSON.stringify({ fingerprint: "f0", step: "s" });
    attempt(dir, "h-1-aa", `${other}\n${entry("old")}\n`);
    attempt(dir, "h-2-bb", `${header}\n${entry("r1")}\n${entry("r2")}\n`);
    expect(await seedAttempt(dir, "h-3-cc")).toBe(2);
    const text = readFileSync(join(dir, "h-3-cc", "steps", "s.jsonl"), "utf8");
    expect(text.split("\n")[0]).toBe(header);
    expect(text).not.toContain('"old"');
  });
});
