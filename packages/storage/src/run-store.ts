import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RejectRecord, RunManifest, RunStore } from "@dataflow/core";
import { FileStepCache } from "./file-step-cache.js";
import { JsonlSource } from "./jsonl-source.js";
import { RejectsSink } from "./rejects-sink.js";
import { manifestText, readManifestFile, writeManifestFile } from "./run-manifest.js";
import { stepFileName, stepIdFromFileName } from "./step-file-name.js";

export interface FileRunStoreOptions {
  /** The run directory (created on the first write), e.g. `<cache.dir>/<pipeline name>`. */
  dir: string;
}

/**
 * A pipeline's run directory on disk:
 *
 * ```
 * <dir>/manifest.json          the run manifest (written atomically)
 * <dir>/steps/<step>.jsonl     one step cache per step (see FileStepCache)
 * <dir>/rejects/<step>.jsonl   the last run's rejects of each step
 * ```
 *
 * Step ids are encoded into file names (see stepFileName). Guarantees: after
 * kill -9 at any moment, every cache entry whose `put` returned is there and
 * readable (at most one torn trailing line, cut off on the next open); the
 * manifest is the last one written whole. One run per directory at a time.
 */
export class FileRunStore implements RunStore {
  readonly dir: string;
  /** Manifest writes are queued, so the file ends up holding the last one asked for. */
  private manifestWrites: Promise<void> = Promise.resolve();

  constructor(options: FileRunStoreOptions) {
    this.dir = options.dir;
  }

  get manifestPath(): string {
    return join(this.dir, "manifest.json");
  }

  get stepsDir(): string {
    return join(this.dir, "steps");
  }

  get rejectsDir(): string {
    return join(this.dir, "rejects");
  }

  stepCachePath(stepId: string): string {
    return join(this.stepsDir, stepFileName(stepId));
  }

  rejectsPath(stepId: string): string {
    return join(this.rejectsDir, stepFileName(stepId));
  }

  readManifest(): Promise<RunManifest | undefined> {
    return readManifestFile(this.manifestPath);
  }

  writeManifest(manifest: RunManifest): Promise<void> {
    const text = manifestText(manifest); // now: the caller may change the object afterwards
    const write = this.manifestWrites.then(() => writeManifestFile(this.manifestPath, text));
    this.manifestWrites = write.catch(() => {});
    return write;
  }

  openStepCache(stepId: string, fingerprint: string): Promise<FileStepCache> {
    return FileStepCache.open(this.stepCachePath(stepId), stepId, fingerprint);
  }

  /** Removes the cache and rejects files of steps not in `keep` (and temp files they left). */
  async prune(keep: readonly string[]): Promise<void> {
    const kept = new Set(keep);
    for (const dir of [this.stepsDir, this.rejectsDir]) {
      for (const name of await listDir(dir)) {
        const step = stepIdFromFileName(tempTarget(name) ?? name);
        if (step !== undefined && !kept.has(step)) await rm(join(dir, name), { force: true });
      }
    }
  }

  /** Empties the step's rejects file of an earlier run; the file is created again on the first reject. */
  async openRejects(stepId: string): Promise<RejectsSink> {
    const path = this.rejectsPath(stepId);
    await rm(path, { force: true });
    return new RejectsSink(path);
  }

  /**
   * Every reject of the last run, a step's file at a time: steps in manifest
   * order (others after, by file name). Streams: memory stays flat. A torn
   * last line (a killed run) is skipped.
   */
  async *readRejects(): AsyncGenerator<RejectRecord> {
    const files = new Map<string, string>();
    for (const name of (await listDir(this.rejectsDir)).sort()) {
      const step = stepIdFromFileName(name);
      if (step !== undefined) files.set(step, name);
    }
    if (files.size === 0) return;
    let order = [...files.keys()];
    const manifest = await this.readManifest().catch(() => undefined); // listing rejects must not need it
    if (manifest !== undefined) {
      const inManifest = manifest.steps.map((s) => s.id).filter((id) => files.has(id));
      order = [...new Set([...inManifest, ...order])];
    }
    for (const step of order) {
      const source = new JsonlSource({ path: join(this.rejectsDir, files.get(step) as string) });
      for await (const item of source.read()) {
        if (item.kind === "row" && isRejectRecord(item.row)) yield item.row;
      }
    }
  }

  /** Removes every step cache and rejects file (for --fresh); the directory and manifest stay. */
  async clear(): Promise<void> {
    await rm(this.stepsDir, { recursive: true, force: true });
    await rm(this.rejectsDir, { recursive: true, force: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return [];
    throw err;
  }
}

/** The file a temp file (`.<name>.tmp-<pid>-<random>`, see tempPathFor) was to become. */
function tempTarget(name: string): string | undefined {
  const match = /^\.(.+)\.tmp-\d+-[0-9a-f]+$/.exec(name);
  return match?.[1];
}

function isRejectRecord(row: Record<string, unknown>): row is Record<string, unknown> & RejectRecord {
  return (
    typeof row.rowId === "string" &&
    typeof row.stepId === "string" &&
    typeof row.type === "string" &&
    typeof row.message === "string"
  );
}
