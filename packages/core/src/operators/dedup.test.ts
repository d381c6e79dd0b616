import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { DedupOperator } from "./dedup.js";

describe("core/dedup", () => {
  it("keeps the first row per value, in input order", async () => {
    const r = await runOperator(
      DedupOperator,
      [
        { q: "a", n: 1 },
        { q: "b", n: 2 },
        { q: "a", n: 3 },
        { q: "c", n: 4 },
        { q: "b", n: 5 },
      ],
      {
        params: { column: "q" },
      },
    );
    expect(r.rows).toEqual([
      { q: "a", n: 1 },
      { q: "b", n: 2 },
      { q: "c", n: 4 },
    ]);
    expect(r.filtered).toEqual([
      { id: "3", reason: "duplicate of row 1" },
      { id: "5", reason: "duplicate of row 2" },
    ]);
  });

  it("uses the record ids of the kept rows in reasons", async () => {
    const r = await runOperator(
      DedupOperator,
      [
        { id: "doc-9", row: { q: 1 } },
        { id: "doc-3", row: { q: 1 } },
      ],
      { params: { column: "q" } },
    );
    expect(r.filtered).toEqual([{ id: "doc-3", reason: "duplicate of row doc-9" }]);
  });

  it("compares objects and arrays by canonical JSON, without coercion", async () => {
    const r = await runOperator(
      DedupOperator,
      [
        { v: { a: 1, b: [1, 2] } },
        { v: { b: [1, 2], a: 1 } },
        { v: [1, 2] },
        { v: [2, 1] },
        { v: 1 },
        { v: "1" },
        { v: null },
        { v: null },
      ],
      { params: { column: "v" } },
    );
    expect(r.rows).toEqual([
      { v: { a: 1, b: [1, 2] } },
      { v: [1, 2] },
      { v: [2, 1] },
      { v: 1 },
      { v: "1" },
      { v: null },
    ]);
    expect(r.filtered.map((f) => f.id)).toEqual(["2", "8"]);
  });

  it("is case- and whitespace-sensitive by default", async () => {
    const r = await runOperator(DedupOperator, [{ q: "Hi" }, { q: "hi" }, { q: " hi " }], {
      params: { column: "q" },
    });
    expect(r.rows).toHaveLength(3);
  });

  it("ignoreCase and trim normalise string values, keeping the original text", async () => {
    const input = [{ q: "Hi" }, { q: "hi" }, { q: " hi " }, { q: " HI" }];
    const ic = await runOperator(DedupOperator, input, { params: { column: "q", ignoreCase: true } });
    expect(ic.rows).toEqual([{ q: "Hi" }, { q: " hi " }, { q: " HI" }]);
    const tr = await runOperator(DedupOperator, input, { params: { column: "q", trim: true } });
    expect(tr.rows).toEqual([{ q: "Hi" }, { q: "hi" }, { q: " HI" }]);
    const both = await runOperator(DedupOperator, input, {
      params: { column: "q", trim: true, ignoreCase: true },
    });
    expect(both.rows).toEqual([{ q: "Hi" }]);
    expect(both.filtered.map((f) => f.reason)).toEqual([
      "duplicate of row 1",
      "duplicate of row 1",
      "duplicate of row 1",
    ]);
  });

  it("is deterministic even with a higher concurrency", async () => {
    const input = Array.from({ length: 100 }, (_, i) => ({ k: i % 7 }));
    const r = await runOperator(DedupOperator, input, { params: { column: "k" }, concurrency: 16 });
    expect(r.rows).toEqual(input.slice(0, 7));
    expect(r.filtered[0]).toEqual({ id: "8", reason: "duplicate of row 1" });
  });

  it("rejects a row without the column", async () => {
    const r = await runOperator(DedupOperator, [{ q: "a" }, { x: 1 }, { q: "a" }], {
      params: { column: "q" },
    });
    expect(r.rows).toEqual([{ q: "a" }]);
    expect(r.rejected).toEqual([{ id: "2", type: "bad-input", message: 'column "q" is missing' }]);
    expect(r.filtered).toEqual([{ id: "3", reason: "duplicate of row 1" }]);
  });

  it("declares concurrency 1 and the column it reads", () => {
    expect(DedupOperator.spec.concurrency).toBe(1);
    expect(DedupOperator.spec.columns?.({ column: "q", ignoreCase: false, trim: false })).toEqual({
      reads: [{ column: "q", path: ["params", "column"] }],
    });
  });

  it("rejects invalid params", async () => {
    await expect(runOperator(DedupOperator, [], {})).rejects.toThrow(/must have required property 'column'/);
    await expect(runOperator(DedupOperator, [], { params: { column: "q", key: "x" } })).rejects.toThrow(
      /additional properties/,
    );
    await expect(runOperator(DedupOperator, [], { params: { column: "q", trim: "yes" } })).rejects.toThrow(
      /must be boolean/,
    );
  });
});
