import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { SelectOperator } from "./select.js";

describe("core/select", () => {
  it("keeps only the listed columns, in the listed order", async () => {
    const r = await runOperator(
      SelectOperator,
      [
        { a: 1, b: 2, c: 3 },
        { c: 6, b: 5, a: 4 },
      ],
      { params: { columns: ["c", "a"] } },
    );
    expect(r.rows).toEqual([
      { c: 3, a: 1 },
      { c: 6, a: 4 },
    ]);
    expect(r.rows.map((row) => Object.keys(row))).toEqual([
      ["c", "a"],
      ["c", "a"],
    ]);
    expect(r.records.map((x) => x.id)).toEqual(["1", "2"]);
  });

  it("keeps null values", async () => {
    const r = await runOperator(SelectOperator, [{ a: null, b: 1 }], { params: { columns: ["a"] } });
    expect(r.rows).toEqual([{ a: null }]);
  });

  it("rejects a row without a listed column", async () => {
    const r = await runOperator(SelectOperator, [{ a: 1, b: 2 }, { b: 3 }], {
      params: { columns: ["a", "b"] },
    });
    expect(r.rows).toEqual([{ a: 1, b: 2 }]);
    expect(r.rejected).toEqual([{ id: "2", type: "bad-input", message: 'column "a" is missing' }]);
  });

  it("declares reads and keepOnly", () => {
    const refs = [
      { column: "x", path: ["params", "columns", 0] },
      { column: "y", path: ["params", "columns", 1] },
    ];
    expect(SelectOperator.spec.columns?.({ columns: ["x", "y"] })).toEqual({ reads: refs, keepOnly: refs });
  });

  it("rejects invalid params", async () => {
    await expect(runOperator(SelectOperator, [], {})).rejects.toThrow(
      /must have required property 'columns'/,
    );
    await expect(runOperator(SelectOperator, [], { params: { columns: [] } })).rejects.toThrow(
      /fewer than 1/,
    );
    await expect(runOperator(SelectOperator, [], { params: { columns: ["a", "a"] } })).rejects.toThrow(
      /duplicate/,
    );
    await expect(runOperator(SelectOperator, [], { params: { columns: "a" } })).rejects.toThrow(
      /must be array/,
    );
    await expect(runOperator(SelectOperator, [], { params: { columns: ["a"], keep: true } })).rejects.toThrow(
      /additional properties/,
    );
  });
});
