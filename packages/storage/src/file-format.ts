import { basename } from "node:path";
import type { FileFormatKind } from "@dataflow/core";
import { MAX_RECORD_BYTES_LIMIT } from "./record-size.js";

/** The file formats FileStorage reads and writes. */
export type FileFormat = "jsonl" | "json" | "csv" | "parquet" | "jsonl.gz";

/**
 * Each format with the extensions it claims: the one table that detection, messages and the
 * formats this package registers (see register.ts) all read. A longer extension wins, so
 * ".jsonl.gz" is gzipped JSONL, not ".gz" anything.
 */
/** `source.maxRecordBytes`, for the formats read a line or record at a time. */
const RECORD_SIZE_OPTION = {
  maxRecordBytes: {
    type: "integer",
    minimum: 1,
    maximum: MAX_RECORD_BYTES_LIMIT,
    description:
      "jsonl, jsonl.gz, csv: the longest line (JSONL) or record (CSV) read, in bytes (default 64 MiB, at most 256 MiB); a longer JSONL line is rejected with its line and size, a longer CSV record stops the read",
  },
} as const;

export const FORMAT_KINDS: readonly (FileFormatKind & { name: FileFormat })[] = [
  {
    name: "jsonl",
    extensions: [".jsonl", ".ndjson"],
    description: "JSON Lines, streamed",
    sourceOptions: RECORD_SIZE_OPTION,
  },
  {
    name: "jsonl.gz",
    extensions: [".jsonl.gz", ".ndjson.gz"],
    description: "gzipped JSON Lines, streamed",
    sourceOptions: RECORD_SIZE_OPTION,
  },
  { name: "json", extensions: [".json"], description: "a JSON array, read whole" },
  {
    name: "csv",
    extensions: [".csv"],
    description: "CSV with a header row, streamed",
    sourceOptions: RECORD_SIZE_OPTION,
  },
  { name: "parquet", extensions: [".parquet", ".pq"], description: "Parquet, streamed by row group" },
];

export const FILE_FORMATS: readonly FileFormat[] = FORMAT_KINDS.map((f) => f.name);

const EXTENSIONS = FORMAT_KINDS.flatMap((f) => f.extensions.map((ext) => [ext, f.name] as const)).sort(
  (a, b) => b[0].length - a[0].length,
);

const described = FORMAT_KINDS.map((f) => `${f.name} (${f.extensions.join(", ")})`);
const SUPPORTED = `${described.slice(0, -1).join(", ")} and ${described.at(-1)}`;

/**
 * The format of a file from its extension (case-insensitive): `.jsonl` and
 * `.ndjson` are JSONL, `.jsonl.gz` and `.ndjson.gz` gzipped JSONL, `.json` a
 * JSON array, `.csv` CSV, `.parquet` and `.pq` Parquet. Throws an Error naming
 * the path and the supported formats for any other extension.
 */
export function detectFormat(path: string): FileFormat {
  const name = basename(path).toLowerCase();
  for (const [ext, format] of EXTENSIONS) {
    if (name.endsWith(ext) && name.length > ext.length) return format;
  }
  const dot = name.lastIndexOf(".");
  const what = dot <= 0 ? "it has no extension" : `"${name.slice(dot)}" is not a supported extension`;
  throw new Error(
    `cannot tell the format of ${path}: ${what}; supported formats are ${SUPPORTED} (or set format: ${FILE_FORMATS.join(" | ")})`,
  );
}

/** `format` when given (checked, since it may come from untyped config), else detected from `path`. */
export function resolveFormat(path: string, format: string | undefined): FileFormat {
  if (format === undefined) return detectFormat(path);
  if ((FILE_FORMATS as readonly string[]).includes(format)) return format as FileFormat;
  throw new Error(`unsupported format "${format}" for ${path}; supported formats are ${SUPPORTED}`);
}
