import { endianness } from "node:os";
import { crc32 } from "node:zlib";

/**
 * One embedding in a segment file, little-endian:
 * `magic u32 | key digest 32 B | vector length u32 | model length u16 | model utf-8 | float32 × length | crc32 u32`.
 * The magic lets a scan find the next record past a damaged one; the crc32 covers everything
 * before it, so a torn or overwritten record is never taken for a vector.
 */

/** "DFE1" read as a little-endian u32. */
export const RECORD_MAGIC = 0x31454644;
export const DIGEST_BYTES = 32;
/** Magic, digest, vector length, model length: enough to know the record's whole length. */
export const RECORD_HEADER_BYTES = 4 + DIGEST_BYTES + 4 + 2;
const TRAILER_BYTES = 4;
// Past these a header is garbage, not a record: a scan must not trust a huge length read from damage.
export const MAX_VECTOR_LENGTH = 1 << 16;
export const MAX_MODEL_BYTES = 1024;

const MAGIC_BYTES = Buffer.alloc(4);
MAGIC_BYTES.writeUInt32LE(RECORD_MAGIC);
const littleEndian = endianness() === "LE";

export interface EmbeddingRecord {
  digest: Buffer;
  /** The model as the endpoint named it. */
  model: string;
  vector: Float32Array;
}

/** The record's bytes; RangeError for what a record cannot hold. */
export function encodeRecord(digest: Uint8Array, model: string, vector: Float32Array): Buffer {
  if (digest.length !== DIGEST_BYTES)
    throw new RangeError(`an embedding key digest is ${DIGEST_BYTES} bytes, got ${digest.length}`);
  const modelBytes = Buffer.from(model, "utf8");
  if (modelBytes.length > MAX_MODEL_BYTES)
    throw new RangeError(
      `model name of ${modelBytes.length} bytes: at most ${MAX_MODEL_BYTES} can be cached`,
    );
  if (vector.length < 1 || vector.length > MAX_VECTOR_LENGTH)
    throw new RangeError(
      `a vector of length ${vector.length} cannot be cached: 1 to ${MAX_VECTOR_LENGTH} values`,
    );
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + modelBytes.length + vector.length * 4 + TRAILER_BYTES);
  out.writeUInt32LE(RECORD_MAGIC, 0);
  out.set(digest, 4);
  out.writeUInt32LE(vector.length, 4 + DIGEST_BYTES);
  out.writeUInt16LE(modelBytes.length, 8 + DIGEST_BYTES);
  let at = RECORD_HEADER_BYTES;
  out.set(modelBytes, at);
  at += modelBytes.length;
  if (littleEndian) {
    out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), at);
  } else {
    for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i] ?? 0, at + i * 4);
  }
  at += vector.length * 4;
  out.writeUInt32LE(crc32(out.subarray(0, at)), at);
  return out;
}

/** The whole record's length from its first RECORD_HEADER_BYTES; undefined when they are no header. */
export function recordLength(head: Buffer): number | undefined {
  if (head.length < RECORD_HEADER_BYTES || head.readUInt32LE(0) !== RECORD_MAGIC) return undefined;
  const n = head.readUInt32LE(4 + DIGEST_BYTES);
  const m = head.readUInt16LE(8 + DIGEST_BYTES);
  if (n < 1 || n > MAX_VECTOR_LENGTH || m > MAX_MODEL_BYTES) return undefined;
  return RECORD_HEADER_BYTES + m + n * 4 + TRAILER_BYTES;
}

/** Whether `bytes` is exactly one whole record whose checksum holds. */
export function isWholeRecord(bytes: Buffer): boolean {
  if (recordLength(bytes) !== bytes.length) return false;
  const at = bytes.length - TRAILER_BYTES;
  return crc32(bytes.subarray(0, at)) === bytes.readUInt32LE(at);
}

/** The record in `bytes` (exactly one, checksum checked); undefined for anything else. */
export function decodeRecord(bytes: Buffer): EmbeddingRecord | undefined {
  if (!isWholeRecord(bytes)) return undefined;
  const n = bytes.readUInt32LE(4 + DIGEST_BYTES);
  const m = bytes.readUInt16LE(8 + DIGEST_BYTES);
  const at = RECORD_HEADER_BYTES + m;
  const vector = new Float32Array(n);
  if (littleEndian) new Uint8Array(vector.buffer).set(bytes.subarray(at, at + n * 4));
  else for (let i = 0; i < n; i++) vector[i] = bytes.readFloatLE(at + i * 4);
  return {
    digest: Buffer.from(bytes.subarray(4, 4 + DIGEST_BYTES)),
    model: bytes.toString("utf8", RECORD_HEADER_BYTES, at),
    vector,
  };
}

/** Where the next record marker starts in `bytes` at or after `from`; -1 when none does. */
export function findMagic(bytes: Buffer, from: number): number {
  return bytes.indexOf(MAGIC_BYTES, from);
}
