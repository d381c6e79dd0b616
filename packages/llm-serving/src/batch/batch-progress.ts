import type { BatchObject } from "./batch-client.js";

/** The provider's statuses in the order a batch goes through them, for the progress line. */
const ORDER = [
  "validating",
  "in_progress",
  "finalizing",
  "cancelling",
  "completed",
  "expired",
  "cancelled",
  "failed",
];

/** One batch's status change: `batch b-1 in_progress: 120/500 done, 2 failed`. */
export function batchStatusLine(batch: BatchObject): string {
  const c = batch.request_counts;
  const counts = c ? `: ${c.completed}/${c.total} done${c.failed ? `, ${c.failed} failed` : ""}` : "";
  return `batch ${batch.id} ${batch.status}${counts}`;
}

/** How many of a serving's batches are in each status: `batches: 1 validating, 2 in_progress, 3 completed`. */
export function batchCounts(statuses: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const known = ORDER.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  const other = [...counts].filter(([s]) => !ORDER.includes(s)).map(([s, n]) => `${n} ${s}`);
  return `batches: ${[...known, ...other].join(", ")}`;
}
