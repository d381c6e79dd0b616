import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { LimitOperator } from "./limit.js";

const input = Array.from({ length: 10 }, (_, i) => ({ n: i }));

describe("core/limit", () => {
  it("keeps the first n rows", async () => {
    const r = await runOperator(LimitOperator, input, { params: { n: 3 } });
    expect(r.rows).toEqual(input.slice(0, 3));
    expect(r.filtered).toEqual(
      input.slice(3).map((_, i) => ({ id: String(i + 4), reason: "beyond limit 3" })),
    );
  });

  it("skips offset rows first", async () => {
    const r = await runOperator(LimitOperator, input, { params: { n: 3, offset: 2 } });
    expect(r.rows).toEqual(input.slice(2, 5));
    expect(r.filtered.slice(0, 3)).toEqual([
      { id: "1", reason: "before offset 2" },
      { id: "2", reason: "before offset 2" },
      { id: "6", reason: "beyond limit 3" },
    ]);
    expect(r.filtered).toHaveLength(7);
  });

  it("keeps nothing with n 0, and everything when n is large", async () => {
    expect((await runOperator(LimitOperator, input, { params: { n: 0 } })).rows).toEqual([]);
    expect((await runOperator(LimitOperator, input, { params: { n: 100 } })).rows).toEqual(input);
    expect((await runOperator(LimitOperator, input, { params: { n: 5, offset: 20 } })).rows).toEqual([]);
  });

  it("counts positions in input order even with a higher concurrency", async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ n: i }));
    const r = await runOperator(LimitOperator, many, { params: { n: 10, offset: 50 }, concurrency: 32 });
    expect(r.rows).toEqual(many.slice(50, 60));
  });

  it("declares concurrency 1", () => {
    expect(LimitOperator.spec.concurrency).toBe(1);
  });

  it("rejects invalid params", async () => {
    const bad = (params: Record<string, unknown>) => runOperator(LimitOperator, [], { params });
    await expect(bad({})).rejects.toThrow(/must have required property 'n'/);
    await expect(bad({ n: -1 })).rejects.toThrow(/must be >= 0/);
    await expect(bad({ n: 1.5 })).rejects.toThrow(/must be integer/);
    await expect(bad({ n: 1, offset: -2 })).rejects.toThrow(/must be >= 0/);
    await expect(bad({ n: 1, skip: 2 })).rejects.toThrow(/additional properties/);
  });
});
