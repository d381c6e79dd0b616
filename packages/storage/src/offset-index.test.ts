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
});
