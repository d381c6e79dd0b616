import type { Diagnostic } from "../contracts/errors.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The pipeline file's text, or a located error at its first byte that is not UTF-8: decoding
 * leniently would put U+FFFD into every value (a prompt, a path) and so into every output row.
 */
export function decodePipelineText(
  bytes: Uint8Array,
  file: string,
): { text: string } | { error: Diagnostic } {
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    const at = firstInvalidByte(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return {
      error: {
        severity: "error",
        message: `the pipeline file is not UTF-8 text: byte 0x${hex} at line ${line}, byte ${at - lineStart + 1} of the line`,
        location: { file, line, column: at - lineStart + 1 },
        hint: "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8), or retype the character",
      },
    };
  }
}

/** The offset of the first byte that starts no valid UTF-8 sequence (overlongs and surrogates included). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return bytes.length;
}

function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
