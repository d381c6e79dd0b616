import { extname } from "node:path";

/** The file formats FileStorage reads and writes. */
export type FileFormat = "jsonl" | "json";

export const FILE_FORMATS: readonly FileFormat[] = ["jsonl", "json"];

const EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
};

const SUPPORTED = "jsonl (.jsonl, .ndjson) and json (.json)";

/**
 * The format of a file from its extension (case-insensitive): `.jsonl` and
 * `.ndjson` are JSONL, `.json` a JSON array. Throws an Error naming the path
 * and the supported formats for any other extension.
 */
export function detectFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format !== undefined) return format;
  const what = ext === "" ? "it has no extension" : `"${ext}" is not a supported extension`;
  throw new Error(
    `cannot tell the format of ${path}: ${what}; supported formats are ${SUPPORTED} (or set format: jsonl | json)`,
  );
}

/** `format` when given (checked, since it may come from untyped config), else detected from `path`. */
export function resolveFormat(path: string, format: string | undefined): FileFormat {
  if (format === undefined) return detectFormat(path);
  if ((FILE_FORMATS as readonly string[]).includes(format)) return format as FileFormat;
  throw new Error(`unsupported format "${format}" for ${path}; supported formats are ${SUPPORTED}`);
}
