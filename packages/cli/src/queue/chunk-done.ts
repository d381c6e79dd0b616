import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StepSummary } from "@dataflow/core";
import { AtomicFile } from "@dataflow/storage";
import type { ChunkJob } from "./chunk-layout.js";

/** What one chunk's run counted: enough for the coordinator to sum a run summary that reconciles. */
export interface ChunkCounts {
  source: { read: number; bad: number };
  /** Each step's summary, with usage this chunk's alone and distributions left out (they do not add up). */
  steps: StepSummary[];
  written: number;
  reconciled: boolean;
  durationMs: number;
}

/** The completion marker, `done.json`: written last and atomically, so its presence means the chunk is whole. */
export interface ChunkDone extends ChunkJob {
  v: 1;
  /** The attempt folder (under attempts/) whose rows.jsonl and rejects are this chunk's result. */
  attempt: string;
  worker: { host: string; pid: number };
  counts: ChunkCounts;
}

/** Why a chunk failed, `failed.json`, for the coordinator's message and exit code. */
export interface ChunkFailed {
  reason: string;
  exitCode?: number;
  worker: { host: string; pid: number };
}

export const DONE_FILE = "done.json";
export const FAILED_FILE = "failed.json";

export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const file = await AtomicFile.open(path);
  try {
    await file.write(`${JSON.stringify(value, null, 2)}\n`);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}

/** The chunk's marker when it is there, whole and of this pipeline digest and range; else undefined. */
export async function readChunkDone(chunkDir: string, job: ChunkJob): Promise<ChunkDone | undefined> {
  const done = (await readJson(join(chunkDir, DONE_FILE))) as Partial<ChunkDone> | undefined;
  if (done?.v !== 1 || done.digest !== job.digest) return undefined;
  if (done.start !== job.start || done.end !== job.end || typeof done.attempt !== "string") return undefined;
  return done as ChunkDone;
}

export async function readChunkFailed(chunkDir: string): Promise<ChunkFailed | undefined> {
  const failed = (await readJson(join(chunkDir, FAILED_FILE))) as Partial<ChunkFailed> | undefined;
  return typeof failed?.reason === "string" ? (failed as ChunkFailed) : undefined;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT" || err instanceof SyntaxError) return undefined;
    throw err;
  }
}
