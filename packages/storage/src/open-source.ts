import { CsvSource } from "./csv-source.js";
import { type FileFormat, resolveFormat } from "./file-format.js";
import { JsonSource } from "./json-source.js";
import { JsonlSource } from "./jsonl-source.js";
import { ParquetSource } from "./parquet-source.js";

/** Any of the file sources: each has `checkReadable()` besides the RowSource contract. */
export type FileSource = JsonlSource | JsonSource | CsvSource | ParquetSource;

export interface FileSourceOptions {
  path: string;
  /** A format name; from the extension when absent (see detectFormat). */
  format?: FileFormat | string;
  /** Take row ids from this column instead of line numbers / record indexes. */
  idColumn?: string;
  /** Read at most this many rows. */
  limit?: number;
}

/**
 * A source for one file, in its format: nothing is read until it is iterated. Throws at once on a
 * format that is not supported (or an extension that says none); a missing file fails the first
 * read, or `checkReadable()`.
 */
export function openFileSource(options: FileSourceOptions): FileSource {
  const { path, idColumn, limit } = options;
  const format = resolveFormat(path, options.format);
  const common = {
    path,
    ...(idColumn === undefined ? {} : { idColumn }),
    ...(limit === undefined ? {} : { limit }),
  };
  switch (format) {
    case "jsonl":
      return new JsonlSource(common);
    case "jsonl.gz":
      return new JsonlSource({ ...common, compression: "gzip" });
    case "json":
      return new JsonSource(common);
    case "csv":
      return new CsvSource(common);
    case "parquet":
      return new ParquetSource(common);
  }
}
