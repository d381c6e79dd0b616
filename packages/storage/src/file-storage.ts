import { stat } from "node:fs/promises";
import type { PositionSink, SourceIdentity, Storage } from "@dataflow/core";
import { CsvSink } from "./csv-sink.js";
import { DocumentSource } from "./documents/document-source.js";
import { type FileFormat, resolveFormat } from "./file-format.js";
import type { DatasetCardInfo } from "./hf-dataset/dataset-card.js";
import { DatasetSink, type DatasetSinkOptions } from "./hf-dataset/dataset-sink.js";
import { isDatasetDir } from "./hf-dataset/hf-dataset-format.js";
import { JsonSink } from "./json-sink.js";
import { JsonlSink } from "./jsonl-sink.js";
import { type FileSource, openFileSource, resolveSourceFormat, type SourceFormat } from "./open-source.js";
import type { ParquetColumnType } from "./parquet-columns.js";
import { ParquetSink } from "./parquet-sink.js";
import { PositionsFile } from "./positions-file.js";
import { RejectsSink } from "./rejects-sink.js";
import { checkLimit } from "./row-limit.js";
import { filesBelow, sourceIdentity } from "./source-identity.js";

export type { FileSource } from "./open-source.js";

/** Any of FileStorage's sinks. */
export type FileSink = JsonlSink | JsonSink | CsvSink | ParquetSink | DatasetSink;

/** What an output can be written as: a row file format, or `hf-dataset` (a dataset folder). */
export type OutputFormat = FileFormat | "hf-dataset";

export interface FileStorageOptions {
  input: {
    path: string;
    /** Default: from the extension (see detectFormat); `documents` for a glob or a folder. */
    format?: SourceFormat;
    /** Take row ids from this column instead of line numbers / record indexes. */
    idColumn?: string;
    /** Read at most this many rows. */
    limit?: number;
    /** hf-dataset: the split; documents: include, exclude, hidden (see openFileSource). */
    split?: string;
    include?: readonly string[];
    exclude?: readonly string[];
    hidden?: boolean;
    /** jsonl, jsonl.gz, csv: the longest line or record read (default 64 MiB). */
    maxRecordBytes?: number;
  };
  output: {
    path: string;
    /** Default: from the extension. */
    format?: OutputFormat;
    /** hf-dataset only: the split (default "train"), rows per shard (default 100,000), the card's details. */
    split?: string;
    shardRows?: number;
    card?: DatasetCardInfo;
    /** Parquet only: rows per row group (default 10,000). */
    rowGroupSize?: number;
    /** Parquet only: column types instead of inferred ones, e.g. `{ score: "double" }`. */
    columnTypes?: Readonly<Record<string, ParquetColumnType>>;
    /**
     * Also write each output row's source position to this file (a shard's or chunk's part, to be
     * merged in source order: see mergeParts). The output's own bytes are unchanged.
     */
    positions?: string;
  };
  rejects: { path: string };
}

/**
 * Storage on local files: a JSONL, gzipped JSONL, JSON, CSV or Parquet source,
 * an atomic output in any of those formats, and a JSONL rejects file created
 * on the first reject.
 *
 * Formats are resolved (and options checked) in the constructor, so a bad
 * extension or option fails before any work. The input file is not touched
 * there: call `checkInput()` to fail early on a missing file, or the first
 * pull of the source's iterator fails with the same InputFileError.
 */
export class FileStorage implements Storage {
  readonly inputFormat: SourceFormat;
  readonly outputFormat: OutputFormat;
  /** Defined only with `output.positions`: the runner records positions when a storage has it. */
  readonly openPositions?: () => Promise<PositionSink>;

  constructor(readonly options: FileStorageOptions) {
    const positions = options.output.positions;
    if (positions !== undefined) this.openPositions = () => PositionsFile.open(positions);
    this.inputFormat = resolveSourceFormat(options.input.path, options.input.format);
    this.outputFormat = resolveOutputFormat(options.output.path, options.output.format);
    if (this.outputFormat === "hf-dataset") DatasetSink.checkOptions(datasetOptions(options.output));
    checkLimit(options.input.limit);
    const { rowGroupSize, columnTypes } = options.output;
    ParquetSink.checkOptions({
      ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
      ...(columnTypes === undefined ? {} : { columnTypes }),
    });
  }

  openSource(): FileSource {
    return openFileSource({ ...this.options.input, format: this.inputFormat });
  }

  /** What step caches are keyed on for this input: see sourceIdentity. */
  sourceIdentity(): Promise<SourceIdentity> {
    const source = this.openSource();
    const path = this.options.input.path;
    return sourceIdentity(path, () => (source instanceof DocumentSource ? source.list() : filesBelow(path)));
  }

  /** Throws an InputFileError naming the path unless the input file can be read. */
  checkInput(): Promise<void> {
    return this.openSource().checkReadable();
  }

  openSink(): Promise<FileSink> {
    const { path, rowGroupSize, columnTypes } = this.options.output;
    switch (this.outputFormat) {
      case "jsonl":
        return JsonlSink.open(path);
      case "jsonl.gz":
        return JsonlSink.open(path, { compression: "gzip" });
      case "json":
        return JsonSink.open(path);
      case "csv":
        return CsvSink.open(path);
      case "parquet":
        return ParquetSink.open(path, {
          ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
          ...(columnTypes === undefined ? {} : { columnTypes }),
        });
      case "hf-dataset":
        return DatasetSink.open(path, datasetOptions(this.options.output));
    }
  }

  async openRejects(): Promise<RejectsSink> {
    return new RejectsSink(this.options.rejects.path);
  }

  /** Whether something (an earlier run's output) is at the output path. */
  async outputExists(): Promise<boolean> {
    return stat(this.options.output.path).then(
      () => true,
      () => false,
    );
  }
}

/** `format` when given, else `hf-dataset` for a folder with data/ in it (a dataset written before), else from the extension. */
export function resolveOutputFormat(path: string, format: string | undefined): OutputFormat {
  if (format === "hf-dataset" || (format === undefined && isDatasetDir(path))) return "hf-dataset";
  return resolveFormat(path, format);
}

function datasetOptions(o: FileStorageOptions["output"]): DatasetSinkOptions {
  return {
    ...(o.split === undefined ? {} : { split: o.split }),
    ...(o.shardRows === undefined ? {} : { shardRows: o.shardRows }),
    ...(o.rowGroupSize === undefined ? {} : { rowGroupSize: o.rowGroupSize }),
    ...(o.card === undefined ? {} : { card: o.card }),
  };
}
