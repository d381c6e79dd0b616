import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BatchJournal, foldJournal } from "./batch-journal.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-journal-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = "2026-01-01T00:00:00.000Z";

describe("BatchJournal", () => {
  it("appends records in order, creating its directory, and reads them back past a torn last line", async () => {
    const path = join(tmp, "run", "batches", "teacher.jsonl");
    const journal = new BatchJournal(path);
    await Promise.all([
      journal.append({ type: "upload", file: "f1", customIds: ["a", "b"], at }),
      journal.append({ type: "batch", batch: "b1", file: "f1", at }),
    ]);
    appendFileSync(path, '{"type":"end","batch":"b1","sta');
    const records = await new BatchJournal(path).load();
    expect(records.map((r) => r.type)).toEqual(["upload", "batch"]);
  });

  it("without a path keeps records in memory; a missing file is an empty journal", async () => {
    const memory = new BatchJournal(undefined);
    await memory.append({ type: "upload", file: "f", customIds: [], at });
    expect(await memory.load()).toHaveLength(1);
    expect(await new BatchJournal(join(tmp, "none.jsonl")).load()).toEqual([]);
  });
});

describe("foldJournal", () => {
  it("gives batches their custom_ids and end, and lists uploads no batch was recorded for", () => {
    const state = foldJournal([
      { type: "upload", file: "f1", customIds: ["a"], at },
      { type: "batch", batch: "b1", file: "f1", at },
      { type: "upload", file: "f2", customIds: ["b", "c"], at },
      { type: "end", batch: "b1", status: "expired", errorFileId: "e1", at },
    ]);
    expect(state.batches).toEqual([
      {
        id: "b1",
        file: "f1",
        customIds: ["a"],
        end: { type: "end", batch: "b1", status: "expired", errorFileId: "e1", at },
      },
    ]);
    expect(state.orphanUploads).toEqual([{ file: "f2", customIds: ["b", "c"] }]);
  });
});
