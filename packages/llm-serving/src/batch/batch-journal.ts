import { mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";

/** A batch's status as the provider reports it. */
export type BatchStatus =
  | "validating"
  | "failed"
  | "in_progress"
  | "finalizing"
  | "completed"
  | "expired"
  | "cancelling"
  | "cancelled";

export const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "expired", "cancelled"]);

/**
 * One journal line. `upload` is written (and synced) after the input file is uploaded and before
 * the batch is created, `batch` once it is, `end` when it reached a terminal status.
 */
export type JournalRecord =
  | { type: "upload"; file: string; customIds: string[]; at: string }
  | { type: "batch"; batch: string; file: string; at: string }
  | {
      type: "end";
      batch: string;
      status: string;
      outputFileId?: string;
      errorFileId?: string;
      errors?: string;
      at: string;
    };

/** What the journal knows of one batch. */
export interface JournaledBatch {
  id: string;
  file: string;
  customIds: readonly string[];
  end?: Extract<JournalRecord, { type: "end" }>;
}

/** The journal folded: batches in creation order, and uploads whose batch is not known to exist. */
export interface JournalState {
  batches: JournaledBatch[];
  orphanUploads: { file: string; customIds: string[] }[];
}

/**
 * The batch journal of one serving: an append-only JSONL file in the run directory, each line
 * synced before its write is relied on, so a run killed at any point knows which batches it
 * submitted. Without a path it is kept in memory (a library use without a run directory).
 */
export class BatchJournal {
  private made = false;
  private tail: Promise<void> = Promise.resolve();
  readonly memory: JournalRecord[] = [];

  constructor(readonly path: string | undefined) {}

  /** The records written so far, by earlier processes too; a torn last line is skipped. */
  async load(): Promise<JournalRecord[]> {
    if (!this.path) return [...this.memory];
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const records: JournalRecord[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        // a line torn by a kill: it was never relied on
      }
    }
    return records;
  }

  /** Appends `record` and syncs it to disk; appends are written in call order. */
  append(record: JournalRecord): Promise<void> {
    this.memory.push(record);
    const path = this.path;
    if (!path) return Promise.resolve();
    const write = this.tail.then(async () => {
      if (!this.made) await mkdir(dirname(path), { recursive: true });
      this.made = true;
      // Opened per record (they are few: one per file and batch), so no handle outlives a run.
      const fh = await open(path, "a");
      try {
        await fh.appendFile(`${JSON.stringify(record)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    this.tail = write.catch(() => {});
    return write;
  }
}

/** The records folded into batches (creation order) and uploads with no batch recorded. */
export function foldJournal(records: readonly JournalRecord[]): JournalState {
  const uploads = new Map<string, string[]>();
  const batches = new Map<string, JournaledBatch>();
  const batched = new Set<string>();
  for (const r of records) {
    if (r.type === "upload") uploads.set(r.file, r.customIds);
    else if (r.type === "batch") {
      batched.add(r.file);
      batches.set(r.batch, { id: r.batch, file: r.file, customIds: uploads.get(r.file) ?? [] });
    } else if (r.type === "end") {
      const b = batches.get(r.batch);
      if (b) b.end = r;
    }
  }
  const orphanUploads = [...uploads]
    .filter(([file]) => !batched.has(file))
    .map(([file, customIds]) => ({ file, customIds }));
  return { batches: [...batches.values()], orphanUploads };
}
