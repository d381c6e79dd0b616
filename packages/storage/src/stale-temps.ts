import { createHash, randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";

/** 8 hex digits naming this host, so a run never judges the pids of another host's temp files. */
const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

/** The temp file beside `path` that an atomic write goes to: `.<name>.tmp-<pid>-<host tag><random>`. */
export function tempPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.tmp-${process.pid}-${HOST_TAG}${randomBytes(4).toString("hex")}`,
  );
}

/**
 * Removes the temp files of `path` left by writers that died before commit or abort (kill -9, a
 * power cut): those made on this host by a process that no longer runs. Temp files of live
 * processes, of other hosts, and of the older name format without a host are left alone.
 * Returns the paths removed.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no directory yet: nothing to clean
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-([0-9a-f]{8})[0-9a-f]{8}$/.exec(name.slice(prefix.length));
    if (!match || match[2] !== HOST_TAG) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as { code?: unknown }).code === "EPERM";
  }
}
