import { CsvSource } from "./csv-source.js";
import { DocumentSource } from "./documents/document-source.js";
import { isDocumentsPath } from "./documents/documents-format.js";
import { type FileFormat, resolveFormat } from "./file-format.js";
import { DatasetSource } from "./hf-dataset/dataset-source.js";
import { isDatasetDir } from "./hf-dataset/hf-dataset-format.js";
import { JsonSource } from "./json-source.js";
import { JsonlSource } from "./jsonl-source.js";
import { ParquetSource } from "./parquet-source.js";

/** Any of the file sources: each has `checkReadable()` besides the RowSource contract. */
export type FileSource =
  | JsonlSource
  | JsonSource
  | CsvSource
  | ParquetSource
  | DocumentSource
  | DatasetSource;

/** What a source can read: a row file format, or `documents` (a glob, a folder or one document). */
export type SourceFormat = FileFormat | "documents" | "hf-dataset";

/** `format` when given, else `documents` for a document's extension, a glob or a folder, else from the extension. */
export function resolveSourceFormat(path: string, format: string | undefined): SourceFormat {
  if (format === "hf-dataset" || (format === undefined && isDatasetDir(path))) return "hf-dataset";
  if (format === "documents" || (format === undefined && isDocumentsPath(path))) return "documents";
  return resolveFormat(path, format);
}

export interface FileSourceOptions {
  path: string;
  /** A format name; from the extension when absent (see detectFormat). */
  format?: SourceFormat | string;
  /** Take row ids from this column instead of line numbers / record indexes. */
  idColumn?: string;
  /** Read at most this many rows. */
  limit?: number;
  /** hf-dataset only: the split to read. */
  split?: string;
  /** documents only: globs to read in a folder, globs to leave out, and whether to read hidden files. */
  include?: readonly string[];
  exclude?: readonly string[];
  hidden?: boolean;
  /** jsonl, jsonl.gz, csv: the longest line or record read (default 64 MiB; see JsonlSource). */
  maxRecordBytes?: number;
}

/** Options that only one source format takes: given with another, they would be ignored silently. */
const ONLY: Readonly<Record<string, SourceFormat>> = {
  split: "hf-dataset",
  include: "documents",
  exclude: "documents",
  hidden: "documents",
};

/**
 * A source for one file, in its format: nothing is read until it is iterated. Throws at once on a
 * format that is not supported (or an extension that says none); a missing file fails the first
 * read, or `checkReadable()`.
 */
export function openFileSource(options: FileSourceOptions): FileSource {
  const { path, idColumn, limit, maxRecordBytes } = options;
  const format = resolveSourceFormat(path, options.format);
  if (maxRecordBytes !== undefined && !["jsonl", "jsonl.gz", "csv"].includes(format))
    throw new Error(
      `source.maxRecordBytes is an option of jsonl, jsonl.gz and csv sources, but ${path} is read as ${format}`,
    );
  const bounded = maxRecordBytes === undefined ? {} : { maxRecordBytes };
  for (const [key, only] of Object.entries(ONLY)) {
    if ((options as unknown as Record<string, unknown>)[key] !== undefined && format !== only)
      throw new Error(`source.${key} is an option of ${only} sources, but ${path} is read as ${format}`);
  }
  const common = {
    path,
    ...(idColumn === undefined ? {} : { idColumn }),
    ...(limit === undefined ? {} : { limit }),
  };
  switch (format) {
    case "jsonl":
      return new JsonlSource({ ...common, ...bounded });
    case "jsonl.gz":
      return new JsonlSource({ ...common, ...bounded, compression: "gzip" });
    case "json":
      return new JsonSource(common);
    case "csv":
      return new CsvSource({ ...common, ...bounded });
    case "parquet":
      return new ParquetSource(common);
    case "documents":
      return new DocumentSource({
        ...common,
        ...(options.include === undefined ? {} : { include: options.include }),
        ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
        ...(options.hidden === undefined ? {} : { hidden: options.hidden }),
      });
    case "hf-dataset":
      return new DatasetSource({
        path,
        ...(limit === undefined ? {} : { limit }),
        ...(options.split === undefined ? {} : { split: options.split }),
      });
  }
}
