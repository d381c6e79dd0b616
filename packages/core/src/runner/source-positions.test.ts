import { describe, expect, it } from "vitest";
import { SourcePositions } from "./source-positions.js";

describe("SourcePositions", () => {
  it("finds each output row's source row by its id, whatever suffix an operator gave it", () => {
    const p = new SourcePositions();
    for (const [i, id] of ["1", "12", "doc-1", "doc-1-2", "7"].entries()) p.add(id, i * 10);
    expect(p.positionOf("12")).toBe(10); // "1" was filtered: 12 is not its child
    expect(p.positionOf("12#0")).toBe(10);
    expect(p.positionOf("doc-1-2.0")).toBe(30); // the longest source id it derives from
    expect(p.positionOf("7")).toBe(40);
    expect(() => p.positionOf("doc-1")).toThrow(/comes from no source row in flight: rows came out of order/);
  });

  it("stays the size of what is in flight over many rows", () => {
    const p = new SourcePositions();
    for (let n = 0; n < 10_000; n++) {
      p.add(String(n), n);
      if (n % 3 === 0) expect(p.positionOf(`${n}.1`)).toBe(n);
    }
    expect((p as unknown as { ids: string[] }).ids.length).toBeLessThan(3000);
  });

  it("tells apart source rows that share an id, in order", () => {
    const p = new SourcePositions();
    for (const [i, id] of ["a", "b", "a"].entries()) p.add(id, i);
    expect([p.positionOf("a"), p.positionOf("b.0"), p.positionOf("a")]).toEqual([0, 1, 2]);
  });
});
