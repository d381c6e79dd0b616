import { isUtf8 } from "node:buffer";
import { codePointCount } from "./text-position.js";

export { isUtf8 };

/**
 * The offset of the first byte of the first ill-formed UTF-8 sequence in
 * bytes[start, end), or -1 when the range is well-formed. Same rules as a
 * fatal TextDecoder: no overlongs, no surrogates, nothing above U+10FFFF.
 */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= end) return i; // truncated sequence
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Describes the first ill-formed UTF-8 sequence in bytes[start, end), a line:
 * the 1-based character column where it starts, and a reason for a reject.
 * Assumes the range is known to be ill-formed.
 */
export function describeInvalidUtf8(
  bytes: Buffer,
  start: number,
  end: number,
): { column: number; reason: string } {
  const bad = firstInvalidUtf8(bytes, start, end);
  const at = bad === -1 ? start : bad;
  const prefix = bytes.toString("utf8", start, at);
  const byte = (bytes[at] ?? 0).toString(16).padStart(2, "0");
  return {
    column: codePointCount(prefix, 0, prefix.length) + 1,
    reason: `invalid UTF-8 (unexpected byte 0x${byte})`,
  };
}

/**
 * The length of bytes[0, end) without a multi-byte sequence that is cut off at
 * `end` (its lead byte is there, some continuation bytes are not yet): the
 * part of a chunk that can be checked now, the rest waiting for the next one.
 */
export function completeUtf8Length(bytes: Uint8Array, end = bytes.length): number {
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    // Only a lead byte starts a sequence that can continue; anything else is checked now.
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    return end - i >= need ? end : i;
  }
  return end;
}
