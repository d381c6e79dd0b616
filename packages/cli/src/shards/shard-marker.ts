import { readFile, rm } from "node:fs/promises";
import type { RunSummary } from "@dataflow/core";
import { AtomicFile } from "@dataflow/storage";
import type { ShardLayout } from "./shard-layout.js";

/** What a finished shard's marker says: enough to check a merge combines parts of one run. */
export interface ShardMarker {
  pipeline: string;
  shard: number;
  of: number;
  /** Each step's fingerprint (pipeline, params, servings, input): parts to merge must agree. */
  fingerprints: string[];
  part: string;
  finishedAt: string;
}

/** Writes the shard's summary, then (last, atomically) its marker: a marker means a complete part. */
export async function writeShardDone(
  layout: ShardLayout,
  marker: ShardMarker,
  summary: RunSummary,
): Promise<void> {
  await writeAtomic(layout.summary, summary);
  await writeAtomic(layout.marker, marker);
}

/** A run that did not finish leaves its summary (why) and no marker. */
export async function writeShardNotDone(layout: ShardLayout, summary: RunSummary): Promise<void> {
  await rm(layout.marker, { force: true });
  await writeAtomic(layout.summary, summary);
}

export function removeShardMarker(layout: ShardLayout): Promise<void> {
  return rm(layout.marker, { force: true });
}

export async function readShardMarker(layout: ShardLayout): Promise<ShardMarker | undefined> {
  return readJson<ShardMarker>(layout.marker);
}

export async function readShardSummary(layout: ShardLayout): Promise<RunSummary | undefined> {
  return readJson<RunSummary>(layout.summary);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // torn by a kill between write and rename cannot happen (atomic); a hand edit can
  }
}

async function writeAtomic(path: string, value: unknown): Promise<void> {
  const file = await AtomicFile.open(path);
  await file.write(`${JSON.stringify(value, null, 2)}\n`);
  await file.commit();
}
