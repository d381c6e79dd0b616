import type { RowSink } from "@dataflow/core";
import { CursorHeap } from "./cursor-heap.js";
import { PartCursor, type PartToMerge } from "./part-cursor.js";

export interface MergePartsOptions {
  parts: readonly PartToMerge[];
  /** Receives the rows in source order; committed when every part was read, aborted on an error. */
  sink: RowSink;
  /** Leave a row out (e.g. one a step deferred to the merge drops); kept when absent. */
  keep?: (position: number, id: string) => boolean;
  signal?: AbortSignal;
}

export interface MergePartsResult {
  /** Rows written. */
  rows: number;
  /** Rows left out by `keep`. */
  left: number;
  /** Rows read from each part, in `parts` order. */
  perPart: number[];
}

/**
 * Merges part files (the outputs of shards or work-queue chunks, each in source order, each with
 * a positions sidecar) into one output in source order: a k-way merge on source position, one row
 * per part in memory. Rows of one source position come from one part and keep their order there.
 * Two parts holding the same position overlap (parts of different shard counts, say): an error.
 */
export async function mergeParts(options: MergePartsOptions): Promise<MergePartsResult> {
  const { sink, keep, signal } = options;
  const cursors = options.parts.map((p, i) => new PartCursor(p, i, signal));
  const result: MergePartsResult = { rows: 0, left: 0, perPart: cursors.map(() => 0) };
  try {
    await Promise.all(cursors.map((c) => c.next()));
    const heap = new CursorHeap(cursors.filter((c) => c.current));
    let last: { position: number; part: number } | undefined;
    for (let top = heap.peek(); top; top = heap.peek()) {
      signal?.throwIfAborted();
      const { position, id, row } = top.current as NonNullable<PartCursor["current"]>;
      if (last && last.position === position && last.part !== top.index)
        throw new Error(
          `source position ${position} is in both ${options.parts[last.part]?.path} and ${top.part.path}: the parts overlap (were they made with different shard counts?)`,
        );
      last = { position, part: top.index };
      result.perPart[top.index] = (result.perPart[top.index] ?? 0) + 1;
      if (keep && !keep(position, id)) result.left++;
      else {
        await sink.write({ id, row });
        result.rows++;
      }
      await top.next();
      if (top.current) heap.topMoved();
      else heap.removeTop();
    }
    await sink.commit();
    return result;
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}
