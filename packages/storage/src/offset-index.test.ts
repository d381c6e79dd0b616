import { describe, expect, it } from "vitest";
import { OffsetIndex } from "./offset-index.js";

describe("OffsetIndex", () => {
  it("maps ids to entries, the last set winning, and grows", () => {
    const index = new OffsetIndex();
    for (let i = 0; i < 5000; i++) index.set(`id${i}`, i * 100, i);
    index.set("id7", 2 ** 40, 12);
    expect(index.size).toBe(5000);
    expect(index.get("id4999")).toEqual({ offset: 499_900, length: 4999 });
    expect(index.get("id7")).toEqual({ offset: 2 ** 40, length: 12 });
    expect(index.get("nope")).toBeUndefined();
    expect(index.has("id0")).toBe(true);
  });

  it("keeps numeric ids apart from look-alikes, dense or sparse", () => {
    const index = new OffsetIndex();
    for (let i = 1; i <= 3000; i++) index.set(String(i), i, 1);
    // Not canonical numbers: they are other ids.
    for (const id of ["0", "007", "1e3", "12a", "-5", " 5", "99999999999"]) index.set(id, 7, 7);
    index.set("9000000000", 9, 9); // beyond the dense range
    index.set("2000000000", 8, 8); // far too sparse for now: to the map
    expect(index.size).toBe(3000 + 7 + 2);
    expect(index.get("7")).toEqual({ offset: 7, length: 1 });
    expect(index.get("007")).toEqual({ offset: 7, length: 7 });
    expect(index.get("3000")).toEqual({ offset: 3000, length: 1 });
    expect(index.get("3001")).toBeUndefined();
    expect(index.get("2000000000")).toEqual({ offset: 8, length: 8 });
    expect(index.get("9000000000")).toEqual({ offset: 9, length: 9 });
    index.set("5", 50, 5);
    expect(index.get("5")).toEqual({ offset: 50, length: 5 });
    expect(index.size).toBe(3009);
  });

  it("moves an id from the map to the dense arrays without counting it twice", () => {
    const index = new OffsetIndex();
    index.set("300000", 1, 1); // sparse at first
    for (let i = 1; i < 300_000; i++) index.set(String(i), i, 1);
    index.set("300000", 2, 2); // now dense enough
    expect(index.size).toBe(300_000);
    expect(index.get("300000")).toEqual({ offset: 2, length: 2 });
  });
});
