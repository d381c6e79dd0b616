import { describe, expect, it } from "vitest";
import { ChunkedArray } from "./chunked-array.js";

describe("ChunkedArray", () => {
  it("stores values across chunk boundaries and flattens them", () => {
    const a = new ChunkedArray((n) => new Int32Array(n), 3); // chunks of 8
    for (let i = 0; i < 21; i++) a.push(i * 10);
    expect(a.length).toBe(21);
    expect(a.chunkCount).toBe(3);
    expect(a.get(0)).toBe(0);
    expect(a.get(20)).toBe(200);
    expect([...a.chunk(2)]).toEqual([160, 170, 180, 190, 200]);
    expect([...a.toArray()]).toEqual(Array.from({ length: 21 }, (_, i) => i * 10));
    expect(() => a.get(21)).toThrow(RangeError);
    a.release();
    expect(a.length).toBe(0);
    expect(a.toArray().length).toBe(0);
  });
});
