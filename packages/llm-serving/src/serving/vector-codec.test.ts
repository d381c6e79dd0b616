import { describe, expect, it } from "vitest";
import { decodeVector, encodeVector } from "./vector-codec.js";

describe("vector codec", () => {
  it("round-trips float32 values exactly, little-endian", () => {
    const vector = Float32Array.from([0.1, -2.5, 3e-8, 65504, 0]);
    const text = encodeVector(vector);
    expect(decodeVector(text)).toEqual(vector);
    // 1.0 as float32 little-endian is 00 00 80 3f.
    expect(Buffer.from(encodeVector(Float32Array.of(1)), "base64")).toEqual(Buffer.from([0, 0, 0x80, 0x3f]));
  });

  it("rejects text that is not whole float32s", () => {
    expect(decodeVector(Buffer.from([1, 2, 3]).toString("base64"))).toBeUndefined();
    expect(decodeVector("")).toEqual(new Float32Array(0));
  });
});
