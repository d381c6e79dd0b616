import type { RowSource, SourceItem, SourceProgress } from "@dataflow/core";
import { checkInputFile } from "./input-file.js";
import { checkLimit } from "./row-limit.js";

export interface FileSourceBaseOptions {
  path: string;
  idColumn?: string;
  limit?: number;
}

/** What every file source shares: its path, id column, row limit, readability check and byte progress. */
export abstract class FileSourceBase implements RowSource {
  readonly description: string;
  readonly path: string;
  protected readonly idColumn: string | undefined;
  protected readonly limit: number;
  protected bytesRead = 0;
  protected bytesTotal: number | undefined;

  constructor(options: FileSourceBaseOptions) {
    this.path = options.path;
    this.description = options.path;
    this.idColumn = options.idColumn;
    this.limit = checkLimit(options.limit);
  }

  /** Throws an InputFileError (naming the path) unless the file can be read. */
  async checkReadable(): Promise<void> {
    this.bytesTotal = await checkInputFile(this.path);
  }

  progress(): SourceProgress {
    return this.bytesTotal === undefined
      ? { bytesRead: this.bytesRead }
      : { bytesRead: this.bytesRead, bytesTotal: this.bytesTotal };
  }

  read(options?: { signal?: AbortSignal }): AsyncIterable<SourceItem> {
    return this.items(options?.signal);
  }

  protected abstract items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem>;
}
