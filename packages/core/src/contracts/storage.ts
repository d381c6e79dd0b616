import type { SourceLocation } from "./errors.js";
import type { Row, RowRecord } from "./row.js";

/** One item read from a source: a row, or an input record that could not be read (it becomes a reject). */
export type SourceItem =
  | { readonly kind: "row"; readonly id: string; readonly row: Row }
  | {
      readonly kind: "bad";
      readonly id: string;
      readonly location: SourceLocation;
      readonly reason: string;
      readonly raw?: string;
    };

export interface SourceProgress {
  bytesRead: number;
  bytesTotal?: number;
}

/** Streams rows on demand: the runner pulls, so memory stays flat however large the input. */
export interface RowSource {
  /** For messages: a path or a name. */
  readonly description: string;
  read(options?: { signal?: AbortSignal }): AsyncIterable<SourceItem>;
  /** The same items in arrays (e.g. one per chunk read), so a fast reader costs no promise per row. */
  readBatches?(options?: { signal?: AbortSignal }): AsyncIterable<readonly SourceItem[]>;
  /** How far reading has got, for ETAs. */
  progress?(): SourceProgress;
}

/** Receives output rows in order; nothing is visible at the destination until `commit`. */
export interface RowSink {
  readonly description: string;
  write(record: RowRecord): void | Promise<void>;
  /** Make the output visible atomically. */
  commit(): Promise<void>;
  /** Discard what was written. */
  abort(): Promise<void>;
}

/**
 * Receives each output row's source position (see RowSelection), in output order, beside the
 * rows a RowSink receives, so part outputs can be merged back in source order. Committed and
 * aborted with the output.
 */
export interface PositionSink {
  write(position: number, id: string): void | Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface RejectRecord {
  rowId: string;
  stepId: string;
  type: string;
  message: string;
  /** Raw model output or input text, when there is one. */
  raw?: string;
  location?: SourceLocation;
}

export interface RejectSink {
  readonly description: string;
  write(reject: RejectRecord): void | Promise<void>;
  close(): Promise<void>;
}

/** Where a pipeline's rows come from and go to. */
export interface Storage {
  openSource(): RowSource;
  openSink(): Promise<RowSink>;
  openRejects(): Promise<RejectSink>;
  /**
   * Whether an earlier run's output is at the destination. A run that fails its reject rate keeps
   * such an output rather than replacing it (its rows are in the step caches for the next run).
   */
  outputExists?(): Promise<boolean>;
  /** Where output rows' source positions go, when this storage records them (shard and chunk parts). */
  openPositions?(): Promise<PositionSink>;
}
