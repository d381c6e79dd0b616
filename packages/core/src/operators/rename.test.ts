import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { RenameOperator } from "./rename.js";

describe("core/rename", () => {
  it("renames columns in place, keeping row order", async () => {
    const r = await runOperator(
      RenameOperator,
      [
        { a: 1, q: "x", z: true },
        { a: 2, q: "y", z: false },
      ],
      {
        params: { columns: { q: "question" } },
      },
    );
    expect(r.rows).toEqual([
      { a: 1, question: "x", z: true },
      { a: 2, question: "y", z: false },
    ]);
    expect(Object.keys(r.rows[0] ?? {})).toEqual(["a", "question", "z"]);
    expect(r.records.map((x) => x.id)).toEqual(["1", "2"]);
    expect(r.expanded).toEqual([]);
  });

  it("renames several columns, swaps included", async () => {
    const r = await runOperator(RenameOperator, [{ a: 1, b: 2, c: 3 }], {
      params: { columns: { a: "b", b: "a", c: "d" } },
    });
    expect(r.rows).toEqual([{ b: 1, a: 2, d: 3 }]);
  });

  it("overwrites an existing column it renames onto", async () => {
    const r = await runOperator(RenameOperator, [{ answer: "old", draft: "new" }], {
      params: { columns: { draft: "answer" } },
    });
    expect(r.rows).toEqual([{ answer: "new" }]);
  });

  it("rejects a row without the old column", async () => {
    const r = await runOperator(RenameOperator, [{ q: 1 }, { other: 2 }, { q: 3 }], {
      params: { columns: { q: "question" } },
    });
    expect(r.rows).toEqual([{ question: 1 }, { question: 3 }]);
    expect(r.rejected).toEqual([{ id: "2", type: "bad-input", message: 'column "q" is missing' }]);
  });

  it("fails setup when two columns get the same name", async () => {
    await expect(
      runOperator(RenameOperator, [{ a: 1, b: 2 }], { params: { columns: { a: "x", b: "x" } } }),
    ).rejects.toThrow(/"a" and "b" are both renamed to "x"/);
  });

  it("declares reads and renames at their param paths", () => {
    expect(RenameOperator.spec.columns?.({ columns: { q: "question" } })).toEqual({
      reads: [{ column: "q", path: ["params", "columns", "q"] }],
      renames: [{ from: { column: "q", path: ["params", "columns", "q"] }, to: "question" }],
    });
  });

  it("rejects invalid params", async () => {
    await expect(runOperator(RenameOperator, [], {})).rejects.toThrow(
      /must have required property 'columns'/,
    );
    await expect(runOperator(RenameOperator, [], { params: { columns: {} } })).rejects.toThrow(
      /fewer than 1/,
    );
    await expect(runOperator(RenameOperator, [], { params: { columns: { a: "" } } })).rejects.toThrow(
      /invalid params/,
    );
    await expect(runOperator(RenameOperator, [], { params: { columns: { a: 1 } } })).rejects.toThrow(
      /must be string/,
    );
    await expect(
      runOperator(RenameOperator, [], { params: { columns: { a: "b" }, extra: 1 } }),
    ).rejects.toThrow(/additional properties/);
  });
});
