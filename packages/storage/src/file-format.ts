import { basename } from "node:path";

/** The file formats FileStorage reads and writes. */
export type FileFormat = "jsonl" | "json" | "csv" | "parquet" | "jsonl.gz";

export const FILE_FORMATS: readonly FileFormat[] = ["jsonl", "json", "csv", "parquet", "jsonl.gz"];

/** Extensions by format; a longer one is tried first, so ".jsonl.gz" wins over ".gz". */
const EXTENSIONS: readonly (readonly [string, FileFormat])[] = [
  [".jsonl.gz", "jsonl.gz"],
  [".ndjson.gz", "jsonl.gz"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".json", "json"],
  [".csv", "csv"],
  [".parquet", "parquet"],
  [".pq", "parquet"],
];

const SUPPORTED =
  "jsonl (.jsonl, .ndjson), jsonl.gz (.jsonl.gz, .ndjson.gz), json (.json), csv (.csv) and parquet (.parquet, .pq)";

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
