import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** Who holds a run lock: written once, inside the lock folder, before the folder appears. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  started: string;
  /** Tells this taking of the lock from a later one by a process that got the same pid. */
  nonce: string;
  /** The process's start time (Linux /proc), so a reused pid is not mistaken for the holder. */
  pidStart?: string;
}

export interface RunLock {
  /** The lock folder, `<runDir>/.lock`. */
  path: string;
  owner: LockOwner;
  /** Removes the lock if it is still this one; safe to call twice. */
  release(): Promise<void>;
}

export interface LockOptions {
  pid?: number;
  host?: string;
  /** Whether a pid on this host is alive; `process.kill(pid, 0)` by default. */
  isAlive?: (pid: number) => boolean;
  /** A pid's start time, when the system tells it; from /proc/<pid>/stat by default. */
  startOf?: (pid: number) => string | undefined;
  /** How often the holder touches its owner.json, so runs on other hosts can tell it is alive (10 s). */
  heartbeatMs?: number;
  /** A lock from another host whose owner.json is older than this is taken over (2 min). */
  staleAfterMs?: number;
}

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 120_000;

/** Another run holds the lock; the message names it and says how to proceed. */
export class RunLockHeld extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | undefined,
  ) {
    const who = owner
      ? `pid ${owner.pid} on host ${owner.host}, started ${owner.started}`
      : "a process that left no owner.json";
    super(
      `another run holds the lock on this pipeline's cache (${who}): wait for it to finish, or stop it; if that process is gone from another host, remove ${path} (a lock from another host is taken over once it has not been renewed for ${STALE_AFTER_MS / 60_000} minutes)`,
    );
    this.name = "RunLockHeld";
  }
}

const ATTEMPTS = 3;

/**
 * Takes the lock on a run directory, or throws RunLockHeld at once. A lock left by a dead
 * process on this host (a kill -9) is broken. A pid on another host (a shard rerun on another
 * node) cannot be checked from here: the holder renews its owner.json's time every `heartbeatMs`,
 * and a lock from another host not renewed for `staleAfterMs` is broken.
 */
export async function takeRunLock(runDir: string, options: LockOptions = {}): Promise<RunLock> {
  const me: LockOwner = {
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    started: new Date().toISOString(),
    nonce: randomUUID(),
  };
  const startOf = options.startOf ?? procStart;
  const pidStart = startOf(me.pid);
  if (pidStart !== undefined) me.pidStart = pidStart;
  const pidLive = options.isAlive ?? pidAlive;
  // Alive and, where both start times are known, the same process that took the lock.
  const isAlive = (pid: number, start?: string) => {
    if (!pidLive(pid)) return false;
    const now = start === undefined ? undefined : startOf(pid);
    return now === undefined || now === start;
  };
  const path = join(runDir, ".lock");
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const isStale = async (dir: string, holder: LockOwner) =>
    holder.host === me.host
      ? !isAlive(holder.pid, holder.pidStart)
      : Date.now() - (await renewedAt(dir)) > staleAfterMs;
  await mkdir(runDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    if (await createLockDir(path, me)) {
      await removeLeftovers(runDir, me.host, isAlive);
      const stop = heartbeat(path, options.heartbeatMs ?? HEARTBEAT_MS);
      const release = () => {
        stop();
        return removeIfOwned(path, me);
      };
      return { path, owner: me, release };
    }
    const holder = await readOwner(path);
    if (holder === "gone") continue; // released between our try and the read
    const stale = holder !== undefined && (await isStale(path, holder));
    if (!stale || attempt >= ATTEMPTS) throw new RunLockHeld(path, holder);
    await breakStale(path, holder, me, isStale);
  }
}

/** Renews the lock's owner.json time every `ms` until stopped; the timer never keeps the process alive. */
function heartbeat(path: string, ms: number): () => void {
  const owner = join(path, "owner.json");
  const timer = setInterval(() => {
    const now = new Date();
    // A lock removed by hand or taken over stops being renewed; the run's own release stops it too.
    utimes(owner, now, now).catch(() => clearInterval(timer));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** When the lock's owner last renewed it (owner.json's modification time); 0 when unreadable. */
async function renewedAt(dir: string): Promise<number> {
  return stat(join(dir, "owner.json")).then(
    (s) => s.mtimeMs,
    () => 0,
  );
}

/**
 * Creates `dir` holding owner.json in one atomic step: the file is written into a private
 * folder that is then renamed into place, so no reader ever sees a lock without its owner
 * (a bare mkdir would leave an ownerless lock if killed before writing the file).
 */
async function createLockDir(dir: string, owner: LockOwner): Promise<boolean> {
  const draft = `${dir}${leftoverName("new", owner)}`;
  await mkdir(draft);
  await writeFile(join(draft, "owner.json"), `${JSON.stringify(owner)}\n`);
  try {
    await rename(draft, dir);
    return true;
  } catch (err) {
    await rm(draft, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw err;
  }
}

/** The lock's owner; "gone" when there is no lock; undefined when its owner.json is unreadable. */
async function readOwner(dir: string): Promise<LockOwner | "gone" | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dir, "owner.json"), "utf8")) as LockOwner;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? owner : undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return (await exists(dir)) ? undefined : "gone";
    return undefined;
  }
}

/**
 * Removes a dead holder's lock under a second, short lock, so two runs breaking it at once
 * cannot remove the lock the other has just taken: the holder is checked again under it.
 */
async function breakStale(
  path: string,
  dead: LockOwner,
  me: LockOwner,
  isStale: (dir: string, holder: LockOwner) => Promise<boolean>,
): Promise<void> {
  const breakPath = `${path}.break`;
  if (!(await createLockDir(breakPath, me))) {
    // A breaker killed mid-break leaves its own lock; it is broken the same way.
    const breaker = await readOwner(breakPath);
    if (typeof breaker === "object" && (await isStale(breakPath, breaker)))
      await removeIfOwned(breakPath, breaker);
    else await delay(50); // another run is breaking it: give it time to finish
    return;
  }
  try {
    const now = await readOwner(path);
    if (typeof now === "object" && now.nonce === dead.nonce) await removeIfOwned(path, dead);
  } finally {
    await removeIfOwned(breakPath, me);
  }
}

/** Moves the lock aside (atomic) only if it still holds `owner`, then deletes it. */
async function removeIfOwned(path: string, owner: LockOwner): Promise<void> {
  const now = await readOwner(path);
  if (typeof now !== "object" || now.nonce !== owner.nonce) return;
  const aside = `${path}${leftoverName("old", owner)}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}

/** Drafts and removed locks carry their owner's host and pid, so a kill -9's leftovers can be told apart. */
function leftoverName(kind: "new" | "old", owner: LockOwner): string {
  return `.${kind}~${encodeURIComponent(owner.host)}~${owner.pid}~${owner.nonce}`;
}

/** Removes drafts and half-removed locks (`.lock.new~…`, `.lock.old~…`) of dead processes on this host. */
async function removeLeftovers(
  runDir: string,
  host: string,
  isAlive: (pid: number) => boolean,
): Promise<void> {
  for (const name of await readdir(runDir)) {
    const [prefix = "", h, pid] = name.split("~");
    if (!/^\.lock(\.break)?\.(new|old)$/.test(prefix)) continue;
    if (h !== encodeURIComponent(host) || isAlive(Number(pid))) continue;
    await rm(join(runDir, name), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** `kill(pid, 0)` sends nothing: ESRCH means no such process; EPERM means it exists (another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
