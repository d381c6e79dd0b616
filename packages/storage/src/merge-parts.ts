import type { RowSink } from "@dataflow/core";
import { CursorHeap } from "./cursor-heap.js";
import { PartCursor, type PartRow, type PartToMerge } from "./part-cursor.js";

export interface MergePartsOptions {
  parts: readonly PartToMerge[];
  /** Receives the rows in source order; committed when every part was read, aborted on an error. */
  sink: RowSink;
  /** Leave a row out (e.g. one a step deferred to the merge drops); kept when absent. Called in source order. */
  keep?: (position: number, id: string) => boolean | Promise<boolean>;
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
 * a positions sidecar) into one output in source order (see readMergedParts), then commits the sink.
 */
export async function mergeParts(options: MergePartsOptions): Promise<MergePartsResult> {
  const { sink, keep } = options;
  const result: MergePartsResult = { rows: 0, left: 0, perPart: options.parts.map(() => 0) };
  try {
    for await (const { part, position, id, row } of readMergedParts(options.parts, options.signal)) {
      result.perPart[part] = (result.perPart[part] ?? 0) + 1;
      if (keep && !(await keep(position, id))) result.left++;
      else {
        await sink.write({ id, row });
        result.rows++;
      }
    }
    await sink.commit();
    return result;
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/**
 * The rows of several parts in source order: a k-way merge on source position, one row per part in
 * memory. Rows of one source position come from one part and keep their order there; two parts
 * holding the same position overlap (parts of different shard counts, say): an error naming both.
 */
export async function* readMergedParts(
  parts: readonly PartToMerge[],
  signal?: AbortSignal,
): AsyncGenerator<PartRow & { part: number }> {
  const cursors = parts.map((p, i) => new PartCursor(p, i, signal));
  try {
    await Promise.all(cursors.map((c) => c.next()));
    const heap = new CursorHeap(cursors.filter((c) => c.current));
    let last: { position: number; part: number } | undefined;
    for (let top = heap.peek(); top; top = heap.peek()) {
      signal?.throwIfAborted();
      const current = top.current as PartRow;
      if (last && last.position === current.position && last.part !== top.index)
        throw new Error(
          `source position ${current.position} is in both ${parts[last.part]?.path} and ${top.part.path}: the parts overlap (were they made with different shard counts?)`,
        );
      last = { position: current.position, part: top.index };
      yield { ...current, part: top.index };
      await top.next();
      if (top.current) heap.topMoved();
      else heap.removeTop();
    }
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}
