import type { Storage } from "@dataflow/core";
import { type FileFormat, resolveFormat } from "./file-format.js";
import { JsonSink } from "./json-sink.js";
import { JsonSource } from "./json-source.js";
import { JsonlSink } from "./jsonl-sink.js";
import { JsonlSource } from "./jsonl-source.js";
import { RejectsSink } from "./rejects-sink.js";
import { checkLimit } from "./row-limit.js";

export interface FileStorageOptions {
  input: {
    path: string;
    /** Default: from the extension (.jsonl/.ndjson → jsonl, .json → json). */
    format?: FileFormat;
    /** Take row ids from this column instead of line numbers / record indexes. */
    idColumn?: string;
    /** Read at most this many rows. */
    limit?: number;
  };
  output: {
    path: string;
    /** Default: from the extension. */
    format?: FileFormat;
  };
  rejects: { path: string };
}

/**
 * Storage on local files: a JSONL or JSON source, an atomic JSONL or JSON
 * output, and a JSONL rejects file created on the first reject.
 *
 * Formats are resolved (and options checked) in the constructor, so a bad
 * extension or option fails before any work. The input file is not touched
 * there: call `checkInput()` to fail early on a missing file, or the first
 * pull of the source's iterator fails with the same InputFileError.
 */
export class FileStorage implements Storage {
  readonly inputFormat: FileFormat;
  readonly outputFormat: FileFormat;

  constructor(readonly options: FileStorageOptions) {
    this.inputFormat = resolveFormat(options.input.path, options.input.format);
    this.outputFormat = resolveFormat(options.output.path, options.output.format);
    checkLimit(options.input.limit);
  }

  openSource(): JsonlSource | JsonSource {
    const { path, idColumn, limit } = this.options.input;
    const options = {
      path,
      ...(idColumn === undefined ? {} : { idColumn }),
      ...(limit === undefined ? {} : { limit }),
    };
    return this.inputFormat === "jsonl" ? new JsonlSource(options) : new JsonSource(options);
  }

  /** Throws an InputFileError naming the path unless the input file can be read. */
  checkInput(): Promise<void> {
    return this.openSource().checkReadable();
  }

  openSink(): Promise<JsonlSink | JsonSink> {
    const { path } = this.options.output;
    return this.outputFormat === "jsonl" ? JsonlSink.open(path) : JsonSink.open(path);
  }

  async openRejects(): Promise<RejectsSink> {
    return new RejectsSink(this.options.rejects.path);
  }
}
