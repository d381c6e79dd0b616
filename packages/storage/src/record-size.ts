/** Default longest line (JSONL) or record (CSV, JSON) a source reads: larger ones are rejected, unread. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 2 ** 20;

/** Above this a line could not become one JavaScript string (V8 caps strings near 512 Mi characters). */
export const MAX_RECORD_BYTES_LIMIT = 256 * 2 ** 20;

/** How much of an oversized record a reject keeps, so rejects stay small. */
const RAW_PREFIX_CHARS = 200;

/** `maxRecordBytes` checked (an integer from 1 to 256 MiB), or the default. */
export function checkMaxRecordBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RECORD_BYTES_LIMIT)
    throw new RangeError(
      `maxRecordBytes must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT} (256 MiB), got ${value}`,
    );
  return value;
}

/** "2.0 GiB (2,147,483,648 bytes)" */
export function describeBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const exact = `${bytes.toLocaleString("en-US")} bytes`;
  return unit === 0 ? exact : `${value.toFixed(1)} ${units[unit]} (${exact})`;
}

/** The reject reason for a record over the limit. */
export function oversizedReason(
  what: "line" | "record",
  bytes: number,
  limit: number,
  atLeast = false,
): string {
  return (
    `${what} is ${atLeast ? "at least " : ""}${describeBytes(bytes)}, over the ${describeBytes(limit)} limit; ` +
    `split it into smaller ${what}s, or raise the limit with maxRecordBytes (at most 256 MiB)`
  );
}

/** The start of an oversized record, for the reject's `raw`, with its full length noted. */
export function rawPrefix(text: string, bytes: number): string {
  return `${text.slice(0, RAW_PREFIX_CHARS)}… [${bytes.toLocaleString("en-US")} bytes in all]`;
}
