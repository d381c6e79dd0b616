import type { RejectRecord, Row, RunSummary } from "@dataflow/core";
import { openFileSource } from "@dataflow/storage";

/** Rejected rows of one step grouped by error type, with the first few as examples. */
export interface RejectGroup {
  stepId: string;
  type: string;
  count: number;
  examples: RejectRecord[];
}

/** What the HTML run report shows, gathered once the run has finished. */
export interface ReportData {
  summary: RunSummary;
  /** The pipeline file as the user named it. */
  pipeline: string;
  generatedAt: string;
  rejects: RejectGroup[];
  /** The first output rows (none when the output was not written). */
  sample: Row[];
}

/** Group rejects by step and type, keeping `perGroup` examples of each (reads them all once, keeps few). */
export async function groupRejects(
  records: AsyncIterable<RejectRecord>,
  perGroup = 3,
): Promise<RejectGroup[]> {
  const groups = new Map<string, RejectGroup>();
  for await (const r of records) {
    const key = `${r.stepId}\u0000${r.type}`;
    let g = groups.get(key);
    if (!g) {
      g = { stepId: r.stepId, type: r.type, count: 0, examples: [] };
      groups.set(key, g);
    }
    g.count++;
    if (g.examples.length < perGroup) g.examples.push(r);
  }
  return [...groups.values()];
}

/** The first `n` rows of a file in any format storage reads; unreadable records are skipped. */
export async function firstRows(path: string, n: number, format?: string): Promise<Row[]> {
  const rows: Row[] = [];
  if (n <= 0) return rows;
  const source = openFileSource({ path, ...(format ? { format } : {}) });
  for await (const item of source.read()) {
    if (item.kind !== "row") continue;
    rows.push(item.row);
    if (rows.length >= n) break;
  }
  return rows;
}
