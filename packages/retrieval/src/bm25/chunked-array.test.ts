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

  it("frees a chunk a sequential reader is done with, keeping the others", () => {
    const a = new ChunkedArray((n) => new Int32Array(n), 3);
    for (let i = 0; i < 20; i++) a.push(i);
    const before = a.byteLength;
    a.dropChunk(0);
    expect(a.byteLength).toBe(before - 8 * 4);
    expect(a.chunk(0).length).toBe(0);
    expect([...a.chunk(1)]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it("returns a dropped or released chunk's memory at once, without waiting for a collection", () => {
    const a = new ChunkedArray((n) => new Int32Array(n), 3);
    for (let i = 0; i < 20; i++) a.push(i);
    const first = a.chunk(0);
    const second = a.chunk(1);
    a.dropChunk(0);
    // The buffer is detached: its contents are gone, not merely unreachable.
    expect([first.length, first.buffer.byteLength]).toEqual([0, 0]);
    expect(second.length).toBe(8);
    a.release();
    expect([second.length, second.buffer.byteLength]).toEqual([0, 0]);
  });
});
