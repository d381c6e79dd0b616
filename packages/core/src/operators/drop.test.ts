import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { DropOperator } from "./drop.js";

describe("core/drop", () => {
  it("removes the listed columns and keeps the rest in order", async () => {
    const r = await runOperator(
      DropOperator,
      [
        { a: 1, b: 2, c: 3 },
        { a: 4, b: 5, c: 6 },
      ],
      { params: { columns: ["b", "c"] } },
    );
    expect(r.rows).toEqual([{ a: 1 }, { a: 4 }]);
    expect(r.records.map((x) => x.id)).toEqual(["1", "2"]);
  });

  it("ignores columns a row does not have", async () => {
    const r = await runOperator(DropOperator, [{ a: 1 }, { a: 2, tmp: null }], {
      params: { columns: ["tmp"] },
    });
    expect(r.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.rejected).toEqual([]);
    expect(r.filtered).toEqual([]);
  });

  it("declares drops", () => {
    expect(DropOperator.spec.columns?.({ columns: ["x"] })).toEqual({
      drops: [{ column: "x", path: ["params", "columns", 0] }],
    });
  });

  it("rejects invalid params", async () => {
    await expect(runOperator(DropOperator, [], {})).rejects.toThrow(/must have required property 'columns'/);
    await expect(runOperator(DropOperator, [], { params: { columns: [] } })).rejects.toThrow(/fewer than 1/);
    await expect(runOperator(DropOperator, [], { params: { columns: [""] } })).rejects.toThrow(
      /invalid params/,
    );
    await expect(runOperator(DropOperator, [], { params: { columns: ["a"], cols: ["b"] } })).rejects.toThrow(
      /additional properties/,
    );
  });
});
