import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RunLockHeld, takeRunLock } from "./run-lock.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-lock-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(tmp, `run-${n++}`);
const alive = new Set<number>([100, 200]);
const isAlive = (pid: number) => alive.has(pid);
const starts = new Map<number, string>([[100, "5000"]]);
const startOf = (pid: number) => starts.get(pid);

describe("run lock", () => {
  it("takes the lock with its owner, refuses a second taker naming the holder, and frees it on release", async () => {
    const dir = freshDir();
    const lock = await takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf });
    const owner = JSON.parse(readFileSync(join(dir, ".lock", "owner.json"), "utf8"));
    expect(owner).toEqual({
      pid: 100,
      host: "h1",
      started: lock.owner.started,
      nonce: lock.owner.nonce,
      pidStart: "5000",
    });

    const second = takeRunLock(dir, { pid: 200, host: "h1", isAlive, startOf });
    await expect(second).rejects.toBeInstanceOf(RunLockHeld);
    await expect(second).rejects.toThrow(
      `(pid 100 on host h1, started ${lock.owner.started}): wait for it to finish, or stop it; if that process is gone from another host, remove ${join(dir, ".lock")}`,
    );

    await lock.release();
    await lock.release(); // twice is harmless
    expect(readdirSync(dir)).toEqual([]);
    const again = await takeRunLock(dir, { pid: 200, host: "h1", isAlive, startOf });
    expect(again.owner.pid).toBe(200);
    await again.release();
  });

  it("only one of many concurrent takers wins", async () => {
    const dir = freshDir();
    const tries = await Promise.allSettled(
      Array.from({ length: 8 }, () => takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf })),
    );
    expect(tries.filter((t) => t.status === "fulfilled")).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([".lock"]); // no draft folders left behind
  });

  it("breaks a stale lock from a dead pid on this host, leaving only the new one", async () => {
    const dir = freshDir();
    const dead = await takeRunLock(dir, { pid: 999, host: "h1", isAlive, startOf });
    const tries = await Promise.allSettled(
      Array.from({ length: 4 }, () => takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf })),
    );
    const won = tries.flatMap((t) => (t.status === "fulfilled" ? [t.value] : []));
    expect(won).toHaveLength(1);
    for (const t of tries) if (t.status === "rejected") expect(t.reason).toBeInstanceOf(RunLockHeld);
    expect(readdirSync(dir)).toEqual([".lock"]);
    expect(JSON.parse(readFileSync(join(dir, ".lock", "owner.json"), "utf8")).nonce).toBe(
      won[0]?.owner.nonce,
    );
    await dead.release(); // the dead run's release must not remove the new holder's lock
    expect(existsSync(join(dir, ".lock"))).toBe(true);
  });

  it("breaks a lock whose pid is alive but was reused by a process started at another time", async () => {
    const dir = freshDir();
    await takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf });
    starts.set(100, "7000"); // pid 100 died and a new process got the same pid
    try {
      const lock = await takeRunLock(dir, { pid: 200, host: "h1", isAlive, startOf });
      expect(lock.owner.pid).toBe(200);
      await expect(takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf })).rejects.toThrow(
        /pid 200 on host h1/,
      );
    } finally {
      starts.set(100, "5000");
    }
  });

  it("never breaks a lock from another host while it is renewed, even when that pid is not alive here", async () => {
    const dir = freshDir();
    await takeRunLock(dir, { pid: 999, host: "other-host", isAlive, startOf });
    await expect(takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf })).rejects.toThrow(
      /\(pid 999 on host other-host, started .*\).*remove .*\.lock \(a lock from another host is taken over once it has not been renewed for 2 minutes\)$/,
    );
    expect(JSON.parse(readFileSync(join(dir, ".lock", "owner.json"), "utf8")).host).toBe("other-host");
  });

  it("breaks a break-lock left by a breaker that died, then the stale lock", async () => {
    const dir = freshDir();
    await takeRunLock(dir, { pid: 998, host: "h1", isAlive, startOf });
    mkdirSync(join(dir, ".lock.break"));
    writeFileSync(
      join(dir, ".lock.break", "owner.json"),
      JSON.stringify({ pid: 997, host: "h1", started: "2026-01-01T00:00:00.000Z", nonce: "x" }),
    );
    const lock = await takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf });
    expect(lock.owner.pid).toBe(100);
    expect(readdirSync(dir)).toEqual([".lock"]);
  });

  it("removes drafts and half-removed locks a kill -9 left on this host, keeping those of live processes", async () => {
    const dir = freshDir();
    for (const name of [".lock.new~h1~999~a", ".lock.old~h1~998~b", ".lock.break.new~h1~997~c"])
      mkdirSync(join(dir, name), { recursive: true });
    const kept = [".lock.new~h1~200~d", ".lock.new~other-host~999~e", "manifest.json"];
    for (const name of kept) mkdirSync(join(dir, name));
    const lock = await takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf });
    expect(readdirSync(dir).sort()).toEqual([".lock", ...kept].sort());
    await lock.release();
    expect(readdirSync(dir).sort()).toEqual(kept.sort());
  });

  it("treats a lock folder without a readable owner as held, never as stale", async () => {
    const dir = freshDir();
    mkdirSync(join(dir, ".lock"), { recursive: true });
    writeFileSync(join(dir, ".lock", "owner.json"), "{");
    await expect(takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf })).rejects.toThrow(
      /a process that left no owner\.json/,
    );
  });

  it("uses the real pid check by default: a lock of this live process is held", async () => {
    const dir = freshDir();
    await takeRunLock(dir);
    await expect(takeRunLock(dir)).rejects.toBeInstanceOf(RunLockHeld);
  });

  it("takes over a lock from another host that has not been renewed (a node that died), and renews its own", async () => {
    const dir = freshDir();
    const gone = await takeRunLock(dir, {
      pid: 999,
      host: "dead-node",
      isAlive,
      startOf,
      heartbeatMs: 60_000,
    });
    const ownerFile = join(dir, ".lock", "owner.json");
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(ownerFile, old, old);
    const lock = await takeRunLock(dir, { pid: 100, host: "h1", isAlive, startOf, heartbeatMs: 20 });
    expect(JSON.parse(readFileSync(ownerFile, "utf8"))).toMatchObject({ pid: 100, host: "h1" });
    // Its own heartbeat keeps it from looking stale to other hosts.
    utimesSync(ownerFile, old, old);
    await vi.waitFor(() => expect(Date.now() - statSync(ownerFile).mtimeMs).toBeLessThan(60_000));
    await expect(
      takeRunLock(dir, { pid: 300, host: "h2", isAlive, startOf, staleAfterMs: 60_000 }),
    ).rejects.toThrow(/pid 100 on host h1/);
    await lock.release();
    await gone.release(); // not its lock any more: nothing removed
    expect(existsSync(join(dir, ".lock"))).toBe(false);
  });
});
