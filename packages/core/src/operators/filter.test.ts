import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { FilterOperator } from "./filter.js";

const rows = [
  { id: 1, lang: "en", score: 0.9 },
  { id: 2, lang: "fr", score: 0.8 },
  { id: 3, lang: "en", score: 0.1 },
  { id: 4, lang: "en", score: "high" },
  { id: 5, lang: "en", score: 0.6 },
];

describe("core/filter", () => {
  it("keeps matching rows in order and drops the others with the condition as reason", async () => {
    const r = await runOperator(FilterOperator, rows, {
      params: {
        where: {
          all: [
            { column: "lang", op: "eq", value: "en" },
            { column: "score", op: "gte", value: 0.5 },
          ],
        },
      },
    });
    expect(r.rows.map((row) => row.id)).toEqual([1, 5]);
    expect(r.rows[0]).toEqual(rows[0]);
    const reason = 'where: all(lang eq "en", score gte 0.5)';
    expect(r.filtered).toEqual([
      { id: "2", reason },
      { id: "3", reason },
      { id: "4", reason },
    ]);
    expect(r.rejected).toEqual([]);
  });

  it("keeps order with concurrency", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ n: i }));
    const r = await runOperator(FilterOperator, many, {
      params: { where: { not: { column: "n", op: "in", value: [3, 7, 11] } } },
      concurrency: 8,
    });
    expect(r.rows.map((row) => row.n)).toEqual(
      many.map((row) => row.n).filter((n) => ![3, 7, 11].includes(n)),
    );
    expect(r.filtered.map((f) => f.id)).toEqual(["4", "8", "12"]);
    expect(r.filtered[0]?.reason).toBe("where: not(n in [3,7,11])");
  });

  it("supports matches, any and presence ops", async () => {
    const r = await runOperator(
      FilterOperator,
      [{ q: "What is X?" }, { q: "tell me" }, { q: null, gold: 1 }, {}],
      {
        params: {
          where: {
            any: [
              { column: "q", op: "matches", value: "\\?$" },
              { column: "gold", op: "exists" },
            ],
          },
        },
      },
    );
    expect(r.rows).toEqual([{ q: "What is X?" }, { q: null, gold: 1 }]);
  });

  it("caps the reason's length", async () => {
    const where = { any: Array.from({ length: 20 }, (_, i) => ({ column: `column_${i}`, op: "exists" })) };
    const r = await runOperator(FilterOperator, [{}], { params: { where } });
    expect(r.filtered[0]?.reason.length).toBeLessThanOrEqual(120 + "where: ".length);
    expect(r.filtered[0]?.reason.endsWith("…")).toBe(true);
  });

  it("fails before any row on an invalid regular expression", async () => {
    await expect(
      runOperator(FilterOperator, [{ q: "x" }], {
        params: { where: { column: "q", op: "matches", value: "[a-" } },
      }),
    ).rejects.toThrow(/invalid regular expression "\[a-" at \/params\/where\/value/);
  });

  it("declares the columns it reads", () => {
    expect(
      FilterOperator.spec.columns?.({
        where: { all: [{ column: "a", op: "exists" }, { not: { column: "b", op: "eq", value: 1 } }] },
      }),
    ).toEqual({
      reads: [
        { column: "a", path: ["params", "where", "all", 0, "column"] },
        { column: "b", path: ["params", "where", "all", 1, "not", "column"] },
      ],
    });
  });

  it("rejects invalid params", async () => {
    const bad = (params: Record<string, unknown>) => runOperator(FilterOperator, [], { params });
    await expect(bad({})).rejects.toThrow(/must have required property 'where'/);
    await expect(bad({ where: { column: "a", op: "exists" }, extra: 1 })).rejects.toThrow(
      /additional properties/,
    );
    await expect(bad({ where: { column: "a", op: "like", value: "x" } })).rejects.toThrow(
      /\/where\/op must be equal to one of the allowed values/,
    );
    await expect(bad({ where: { column: "a", op: "eq" } })).rejects.toThrow(/required property 'value'/);
    await expect(bad({ where: { column: "a", op: "exists", value: 1 } })).rejects.toThrow(/invalid params/);
    await expect(bad({ where: { column: "a", op: "in", value: "x" } })).rejects.toThrow(
      /\/where\/value must be array/,
    );
    await expect(bad({ where: { column: "a", op: "matches", value: 1 } })).rejects.toThrow(/must be string/);
    await expect(bad({ where: { column: "a", op: "gt", value: [1] } })).rejects.toThrow(
      /must be number,string/,
    );
    await expect(bad({ where: { all: [] } })).rejects.toThrow(/fewer than 1/);
    await expect(bad({ where: { not: { column: "a" } } })).rejects.toThrow(
      /\/where\/not must have required property 'op'/,
    );
    await expect(bad({ where: { all: [{ column: "a", op: "exists" }], column: "b" } })).rejects.toThrow(
      /additional properties/,
    );
  });
});
