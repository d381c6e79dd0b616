import { describe, expect, it } from "vitest";
import {
  DIGEST_BYTES,
  decodeRecord,
  encodeRecord,
  findMagic,
  isWholeRecord,
  MAX_MODEL_BYTES,
  MAX_VECTOR_LENGTH,
  RECORD_HEADER_BYTES,
  recordLength,
} from "./embedding-record.js";

const digest = Buffer.alloc(DIGEST_BYTES, 7);

describe("embedding records", () => {
  it("round-trip the digest, the model and exactly the float32 values, little-endian", () => {
    const vector = Float32Array.from([0.25, -1.5, 1e-3, 3.4e38]);
    const bytes = encodeRecord(digest, "embed-ü", vector);
    expect(bytes.length).toBe(RECORD_HEADER_BYTES + Buffer.byteLength("embed-ü") + 4 * 4 + 4);
    expect(recordLength(bytes.subarray(0, RECORD_HEADER_BYTES))).toBe(bytes.length);
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("DFE1");
    const at = RECORD_HEADER_BYTES + Buffer.byteLength("embed-ü");
    expect(bytes.readFloatLE(at)).toBe(0.25);
    expect(decodeRecord(bytes)).toEqual({ digest, model: "embed-ü", vector });
  });

  it("refuse a changed byte, a cut or a longer buffer, and garbage headers", () => {
    const bytes = encodeRecord(digest, "m", Float32Array.from([1, 2, 3]));
    for (let i = 0; i < bytes.length; i++) {
      const flipped = Buffer.from(bytes);
      flipped[i] = (flipped[i] ?? 0) ^ 0x10;
      expect(isWholeRecord(flipped)).toBe(false);
      expect(decodeRecord(flipped)).toBeUndefined();
    }
    expect(decodeRecord(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(decodeRecord(Buffer.concat([bytes, Buffer.alloc(1)]))).toBeUndefined();
    expect(recordLength(bytes.subarray(0, RECORD_HEADER_BYTES - 1))).toBeUndefined();
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(MAX_VECTOR_LENGTH + 1, 4 + DIGEST_BYTES);
    expect(recordLength(huge)).toBeUndefined();
    const empty = Buffer.from(bytes);
    empty.writeUInt32LE(0, 4 + DIGEST_BYTES);
    expect(recordLength(empty)).toBeUndefined();
  });

  it("refuse to encode what a record cannot hold", () => {
    expect(() => encodeRecord(Buffer.alloc(31), "m", Float32Array.of(1))).toThrow(/32 bytes, got 31/);
    expect(() => encodeRecord(digest, "m", new Float32Array(0))).toThrow(/length 0/);
    expect(() => encodeRecord(digest, "m".repeat(MAX_MODEL_BYTES + 1), Float32Array.of(1))).toThrow(
      /model name/,
    );
  });

  it("find the next record marker", () => {
    const bytes = Buffer.concat([Buffer.from("xyz"), encodeRecord(digest, "m", Float32Array.of(1))]);
    expect(findMagic(bytes, 0)).toBe(3);
    expect(findMagic(bytes, 4)).toBe(-1);
  });
});
