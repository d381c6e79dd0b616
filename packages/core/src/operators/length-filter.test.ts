import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { LengthFilterOperator, textLength } from "./length-filter.js";

describe("textLength", () => {
  it("counts code points", () => {
    expect(textLength("héllo", "chars")).toBe(5);
    expect(textLength("😀😀", "chars")).toBe(2);
    expect(textLength("", "chars")).toBe(0);
  });

  it("counts words separated by any whitespace", () => {
    expect(textLength("  one two\tthree\nfour  ", "words")).toBe(4);
    expect(textLength("   ", "words")).toBe(0);
    expect(textLength("", "words")).toBe(0);
  });
});

describe("core/length-filter", () => {
  const input = [{ t: "a" }, { t: "abcd" }, { t: "abcdefgh" }, { t: "abc" }];

  it("keeps rows within [min, max] in order, inclusive", async () => {
    const r = await runOperator(LengthFilterOperator, input, { params: { column: "t", min: 3, max: 4 } });
    expect(r.rows).toEqual([{ t: "abcd" }, { t: "abc" }]);
    expect(r.filtered).toEqual([
      { id: "1", reason: "shorter than min 3 chars" },
      { id: "3", reason: "longer than max 4 chars" },
    ]);
  });

  it("accepts min alone or max alone", async () => {
    const lo = await runOperator(LengthFilterOperator, input, { params: { column: "t", min: 4 } });
    expect(lo.rows).toEqual([{ t: "abcd" }, { t: "abcdefgh" }]);
    const hi = await runOperator(LengthFilterOperator, input, { params: { column: "t", max: 1 } });
    expect(hi.rows).toEqual([{ t: "a" }]);
  });

  it("counts words with unit words", async () => {
    const r = await runOperator(
      LengthFilterOperator,
      [{ t: "one two three" }, { t: "one" }, { t: "a b c d e" }],
      {
        params: { column: "t", min: 2, max: 4, unit: "words" },
      },
    );
    expect(r.rows).toEqual([{ t: "one two three" }]);
    expect(r.filtered.map((f) => f.reason)).toEqual(["shorter than min 2 words", "longer than max 4 words"]);
  });

  it("rejects non-string or missing values", async () => {
    const r = await runOperator(
      LengthFilterOperator,
      [{ t: 12345 }, { t: null }, {}, { t: ["abc"] }, { t: "abc" }],
      {
        params: { column: "t", min: 1 },
      },
    );
    expect(r.rows).toEqual([{ t: "abc" }]);
    expect(r.rejected).toEqual([
      { id: "1", type: "bad-input", message: 'column "t" is number, not a string' },
      { id: "2", type: "bad-input", message: 'column "t" is null, not a string' },
      { id: "3", type: "bad-input", message: 'column "t" is missing' },
      { id: "4", type: "bad-input", message: 'column "t" is object, not a string' },
    ]);
  });

  it("fails setup when min > max", async () => {
    await expect(
      runOperator(LengthFilterOperator, [], { params: { column: "t", min: 5, max: 2 } }),
    ).rejects.toThrow(/min \(5\) is greater than max \(2\)/);
  });

  it("declares the column it reads", () => {
    expect(LengthFilterOperator.spec.columns?.({ column: "t", min: 1, unit: "chars" })).toEqual({
      reads: [{ column: "t", path: ["params", "column"] }],
    });
  });

  it("rejects invalid params", async () => {
    const bad = (params: Record<string, unknown>) => runOperator(LengthFilterOperator, [], { params });
    await expect(bad({ min: 1 })).rejects.toThrow(/must have required property 'column'/);
    await expect(bad({ column: "t" })).rejects.toThrow(/must have required property 'min'/);
    await expect(bad({ column: "t", min: 1, unit: "tokens" })).rejects.toThrow(/allowed values/);
    await expect(bad({ column: "t", min: -1 })).rejects.toThrow(/must be >= 0/);
    await expect(bad({ column: "t", max: 1.5 })).rejects.toThrow(/must be integer/);
    await expect(bad({ column: "t", min: 1, minimum: 2 })).rejects.toThrow(/additional properties/);
  });
});
