import type { RowSource } from "@dataflow/core";

/** How many items (rows and unreadable records) the source has: the positions chunks divide. Streams. */
export async function countPositions(source: RowSource, signal?: AbortSignal): Promise<number> {
  let n = 0;
  const options = signal ? { signal } : {};
  if (source.readBatches) {
    for await (const batch of source.readBatches(options)) n += batch.length;
    return n;
  }
  for await (const _item of source.read(options)) n++;
  return n;
}
