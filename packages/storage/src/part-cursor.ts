import type { Row, SourceItem } from "@dataflow/core";
import { type FileFormat, resolveFormat } from "./file-format.js";
import { openFileSource } from "./open-source.js";
import { readPositions } from "./positions-file.js";

/** One part of a sharded or chunked run to merge: its file and its positions sidecar. */
export interface PartToMerge {
  /** The part file, in any row file format. */
  path: string;
  /** Default: from the extension. */
  format?: FileFormat;
  /** The positions sidecar (see PositionsFile): default `<path>.positions`. */
  positions?: string;
}

/** A part's next row with its source position and row id. */
export interface PartRow {
  position: number;
  id: string;
  row: Row;
}

/**
 * Reads a part and its positions side by side, one row at a time; a part and sidecar that
 * disagree (different lengths, positions going back) are an error naming both files.
 */
export class PartCursor {
  current: PartRow | undefined;
  private readonly rows: AsyncIterator<SourceItem>;
  private readonly positions: AsyncIterator<[number, string]>;
  private readonly positionsPath: string;

  constructor(
    readonly part: PartToMerge,
    readonly index: number,
    signal?: AbortSignal,
  ) {
    const format = part.format ?? resolveFormat(part.path, undefined);
    const source = openFileSource({ path: part.path, format });
    this.rows = source.read(signal ? { signal } : {})[Symbol.asyncIterator]();
    this.positionsPath = part.positions ?? `${part.path}.positions`;
    this.positions = readPositions(this.positionsPath)[Symbol.asyncIterator]();
  }

  /** Moves to the next row; `current` is undefined at the end. */
  async next(): Promise<void> {
    const [item, entry] = await Promise.all([this.rows.next(), this.positions.next()]);
    if (item.done !== entry.done)
      throw new Error(
        `${this.part.path} and ${this.positionsPath} disagree: ${item.done ? "the part" : "the positions file"} ends first; rerun this part`,
      );
    if (item.done || entry.done) {
      this.current = undefined;
      return;
    }
    if (item.value.kind === "bad")
      throw new Error(
        `${this.part.path}: ${item.value.reason} (a part is written by dataflow; rerun this part)`,
      );
    const [position, id] = entry.value;
    if (this.current && position < this.current.position)
      throw new Error(
        `${this.positionsPath}: position ${position} after ${this.current.position}: not in source order`,
      );
    this.current = { position, id, row: item.value.row };
  }

  async close(): Promise<void> {
    await Promise.all([this.rows.return?.(), this.positions.return?.()]);
  }
}
