import { appendFile, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { type CachedOutcome, forgetRecordedSecrets, recordSecret } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { FileStepCache } from "./file-step-cache.js";
import { useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

const rows = (...values: number[]): CachedOutcome => ({ kind: "rows", rows: values.map((v) => ({ v })) });

describe("FileStepCache", () => {
  it("round-trips outcomes across a reopen, with a header line first", async () => {
    const path = tmp("steps/s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp1");
    expect(cache.recovery).toEqual({ started: true, tornBytes: 0 });
    cache.put("1", rows(1, 2));
    cache.put("2", { kind: "filtered", reason: "too short" });
    cache.put('we"ird\\id ✓', rows(3));
    cache.put("3", { kind: "rows", rows: [] });
    expect(cache.size).toBe(4);
    expect(cache.get("1")).toEqual(rows(1, 2));
    await cache.close();

    const lines = (await readFile(path, "utf8")).split("\n");
    expect(JSON.parse(lines[0] ?? "")).toEqual({ fingerprint: "fp1", step: "s" });
    expect(JSON.parse(lines[1] ?? "")).toEqual({ id: "1", o: rows(1, 2) });

    const again = await FileStepCache.open(path, "s", "fp1");
    expect(again.recovery).toEqual({ started: false, tornBytes: 0 });
    expect(again.size).toBe(4);
    expect(again.get("1")).toEqual(rows(1, 2));
    expect(again.get("2")).toEqual({ kind: "filtered", reason: "too short" });
    expect(again.get('we"ird\\id ✓')).toEqual(rows(3));
    expect(again.get("3")).toEqual({ kind: "rows", rows: [] });
    expect(again.get("4")).toBeUndefined();
    await again.close();
    await again.close(); // idempotent
    expect(() => again.put("5", rows(5))).toThrow(/closed/);
  });

  it("stores a filter's reason with recorded secrets redacted", async () => {
    recordSecret("JUDGE_API_KEY", "judge-key-0123456789");
    try {
      const path = tmp("steps/secret.jsonl");
      const cache = await FileStepCache.open(path, "s", "fp1");
      cache.put("1", { kind: "filtered", reason: "judge judge-key-0123456789 said no" });
      expect(cache.get("1")).toEqual({ kind: "filtered", reason: "judge [redacted JUDGE_API_KEY] said no" });
      await cache.close();
      expect(await readFile(path, "utf8")).not.toContain("judge-key-0123456789");
    } finally {
      forgetRecordedSecrets();
    }
  });

  it("lets a later put of the same id win, now and after a reopen", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp");
    cache.put("1", rows(1));
    cache.put("2", rows(2));
    cache.put("1", rows(10));
    expect(cache.size).toBe(2);
    expect(cache.get("1")).toEqual(rows(10));
    await cache.close();
    const again = await FileStepCache.open(path, "s", "fp");
    expect(again.size).toBe(2);
    expect(again.get("1")).toEqual(rows(10));
    await again.close();
  });

  it("starts empty when the fingerprint or step changed, replacing the file atomically", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "old");
    cache.put("1", rows(1));
    await cache.close();

    const changed = await FileStepCache.open(path, "s", "new");
    expect(changed.recovery.started).toBe(true);
    expect(changed.size).toBe(0);
    expect(changed.get("1")).toBeUndefined();
    changed.put("2", rows(2));
    await changed.close();
    expect(await readdir(tmp())).toEqual(["s.jsonl"]); // no temp file left

    const back = await FileStepCache.open(path, "s", "old"); // the old entries are gone for good
    expect(back.size).toBe(0);
    await back.close();
    const renamed = await FileStepCache.open(path, "other", "old");
    expect(renamed.recovery.started).toBe(true);
    await renamed.close();
  });

  it("discards a torn trailing line and keeps appending after the last whole entry", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp");
    for (let i = 1; i <= 100; i++) cache.put(String(i), rows(i));
    await cache.close();
    const whole = (await stat(path)).size;
    await appendFile(path, '{"id":"101","o":{"kind":"rows","ro'); // a put cut short by kill -9

    const reopened = await FileStepCache.open(path, "s", "fp");
    expect(reopened.recovery).toEqual({ started: false, tornBytes: 34 });
    expect((await stat(path)).size).toBe(whole);
    expect(reopened.size).toBe(100);
    for (let i = 1; i <= 100; i++) expect(reopened.get(String(i))).toEqual(rows(i));
    expect(reopened.get("101")).toBeUndefined();
    reopened.put("101", rows(101));
    await reopened.close();

    const last = await FileStepCache.open(path, "s", "fp");
    expect(last.recovery.tornBytes).toBe(0);
    expect(last.size).toBe(101);
    expect(last.get("101")).toEqual(rows(101));
    expect(last.get("100")).toEqual(rows(100));
    await last.close();
  });

  it("discards an unparseable last line even with its newline, restoring the id's earlier entry", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp");
    cache.put("1", rows(1));
    cache.put("2", rows(2));
    await cache.close();
    await appendFile(path, '{"id":"1","o":{"kind":"ro\n');
    const reopened = await FileStepCache.open(path, "s", "fp");
    expect(reopened.recovery.tornBytes).toBe(26);
    expect(reopened.get("1")).toEqual(rows(1));
    expect(reopened.size).toBe(2);
    await reopened.close();
  });

  it("starts again when the header itself is torn or garbage", async () => {
    const path = tmp("s.jsonl");
    for (const content of ["", '{"fingerprint":"fp","st', "not json\n"]) {
      await writeFile(path, content);
      const cache = await FileStepCache.open(path, "s", "fp");
      expect(cache.recovery.started).toBe(true);
      cache.put("1", rows(1));
      await cache.close();
      const again = await FileStepCache.open(path, "s", "fp");
      expect(again.get("1")).toEqual(rows(1));
      await again.close();
    }
  });

  it("indexes entries longer than its read buffer", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp");
    const big = { kind: "rows" as const, rows: [{ text: "x".repeat(3 << 20) }] };
    cache.put("big", big);
    cache.put("small", rows(1));
    await cache.close();
    const again = await FileStepCache.open(path, "s", "fp");
    expect(again.get("big")).toEqual(big);
    expect(again.get("small")).toEqual(rows(1));
    await again.close();
  });

  it("reports an entry damaged on disk as a miss", async () => {
    const path = tmp("s.jsonl");
    const cache = await FileStepCache.open(path, "s", "fp");
    cache.put("1", rows(1));
    cache.put("2", rows(2));
    await cache.close();
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace('"kind":"rows","rows":[{"v":1}]', '"kind":"rows","rows":[{"v":1}}'));
    const again = await FileStepCache.open(path, "s", "fp");
    expect(again.get("1")).toBeUndefined();
    expect(again.get("2")).toEqual(rows(2));
    await again.close();
  });

  it("fails with the path when the file cannot be opened", async () => {
    await writeFile(tmp("file"), "");
    await expect(FileStepCache.open(tmp("file/s.jsonl"), "s", "fp")).rejects.toThrow(
      `cannot open step cache ${tmp("file/s.jsonl")}`,
    );
  });
});
