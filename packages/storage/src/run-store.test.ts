import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RejectRecord, RunManifest } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { FileRunStore } from "./run-store.js";
import { useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();
const here = dirname(fileURLToPath(import.meta.url));

function manifest(steps: string[], status: RunManifest["status"] = "running"): RunManifest {
  return {
    pipeline: "p",
    file: "p.yaml",
    status,
    startedAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    source: { path: "in.jsonl" },
    steps: steps.map((id) => ({
      id,
      op: "core/x",
      version: "1",
      fingerprint: `fp-${id}`,
      status: "pending",
      replayed: 0,
      counts: { in: 0, out: 0, filtered: 0, rejected: 0 },
    })),
  };
}

async function collectRejects(store: FileRunStore): Promise<RejectRecord[]> {
  const out: RejectRecord[] = [];
  for await (const r of store.readRejects()) out.push(r);
  return out;
}

describe("FileRunStore", () => {
  it("writes and reads the manifest atomically, in call order", async () => {
    const store = new FileRunStore({ dir: tmp("run") });
    expect(await store.readManifest()).toBeUndefined();
    const first = manifest(["a"]);
    const writes = [store.writeManifest(first), store.writeManifest(manifest(["a", "b"], "ok"))];
    first.status = "failed"; // changed after the call: not what was written
    await Promise.all(writes);
    const read = await store.readManifest();
    expect(read?.status).toBe("ok");
    expect(read?.steps.map((s) => s.id)).toEqual(["a", "b"]);
    expect(await readdir(tmp("run"))).toEqual(["manifest.json"]);
  });

  it("fails clearly on a corrupt manifest, naming the file", async () => {
    const store = new FileRunStore({ dir: tmp() });
    await writeFile(store.manifestPath, '{"pipeline": "p", "steps": [');
    await expect(store.readManifest()).rejects.toThrow(
      new RegExp(
        `^corrupt run manifest ${store.manifestPath}: invalid JSON .*; delete it \\(or run with --fresh\\)`,
      ),
    );
    await writeFile(store.manifestPath, "[]");
    await expect(store.readManifest()).rejects.toThrow(/expected an object with a "steps" array/);
  });

  it("masks secret environment values in the manifest", async () => {
    const store = new FileRunStore({ dir: tmp() });
    const secret = "sk-test-0123456789abcdef";
    process.env.DATAFLOW_TEST_API_KEY = secret;
    try {
      await store.writeManifest({ ...manifest([]), reason: `failed with key ${secret}` });
    } finally {
      delete process.env.DATAFLOW_TEST_API_KEY;
    }
    expect(await readFile(store.manifestPath, "utf8")).not.toContain(secret);
  });

  it("keeps step caches in steps/<step>.jsonl, invalidated by a fingerprint change", async () => {
    const store = new FileRunStore({ dir: tmp("run") });
    const cache = await store.openStepCache("rare/doc2query", "fp1");
    cache.put("1", { kind: "rows", rows: [{ q: "why?" }] });
    await cache.close();
    expect(await readdir(tmp("run/steps"))).toEqual(["rare%2Fdoc2query.jsonl"]);

    const same = await store.openStepCache("rare/doc2query", "fp1");
    expect(same.get("1")).toEqual({ kind: "rows", rows: [{ q: "why?" }] });
    await same.close();
    const changed = await store.openStepCache("rare/doc2query", "fp2");
    expect(changed.size).toBe(0);
    await changed.close();
  });

  it("empties a step's rejects on open, creates the file lazily, and reads all rejects in manifest order", async () => {
    const store = new FileRunStore({ dir: tmp("run") });
    await store.writeManifest(manifest(["zeta", "alpha", "quiet"]));
    const old = await store.openRejects("zeta");
    await old.write({ rowId: "9", stepId: "zeta", type: "t", message: "from the last run" });
    await old.close();

    const zeta = await store.openRejects("zeta");
    expect(await readdir(tmp("run/rejects"))).toEqual([]); // the old file is gone, no new one yet
    const alpha = await store.openRejects("alpha");
    const quiet = await store.openRejects("quiet");
    await alpha.write({ rowId: "1", stepId: "alpha", type: "bad-output", message: "m", raw: "{" });
    await zeta.write({ rowId: "2", stepId: "zeta", type: "timeout", message: "slow" });
    await zeta.write({ rowId: "3", stepId: "zeta", type: "timeout", message: "slow" });
    await Promise.all([alpha.close(), zeta.close(), quiet.close()]);
    expect((await readdir(tmp("run/rejects"))).sort()).toEqual(["alpha.jsonl", "zeta.jsonl"]);

    expect((await collectRejects(store)).map((r) => [r.stepId, r.rowId])).toEqual([
      ["zeta", "2"],
      ["zeta", "3"],
      ["alpha", "1"],
    ]);
    // Without a manifest: file-name order. A torn last line (a killed run) is skipped.
    await writeFile(store.manifestPath, JSON.stringify(manifest([])));
    await writeFile(
      join(store.rejectsDir, "alpha.jsonl"),
      '{"rowId":"1","stepId":"alpha","type":"t","message":"m"}\n{"rowId":"2","st',
    );
    expect((await collectRejects(store)).map((r) => [r.stepId, r.rowId])).toEqual([
      ["alpha", "1"],
      ["zeta", "2"],
      ["zeta", "3"],
    ]);
    expect(await collectRejects(new FileRunStore({ dir: tmp("none") }))).toEqual([]);
  });

  it("prunes the files of steps not kept, and clears everything for --fresh", async () => {
    const store = new FileRunStore({ dir: tmp("run") });
    await store.writeManifest(manifest(["a", "b"]));
    for (const step of ["a", "b", "gone"]) {
      const cache = await store.openStepCache(step, "fp");
      cache.put("1", { kind: "filtered", reason: "r" });
      await cache.close();
      const rejects = await store.openRejects(step);
      await rejects.write({ rowId: "1", stepId: step, type: "t", message: "m" });
      await rejects.close();
    }
    await writeFile(join(store.stepsDir, ".gone.jsonl.tmp-123-abcd"), "");
    await writeFile(join(store.stepsDir, "notes.txt"), "not ours");

    await store.prune(["a", "b"]);
    expect((await readdir(store.stepsDir)).sort()).toEqual(["a.jsonl", "b.jsonl", "notes.txt"]);
    expect((await readdir(store.rejectsDir)).sort()).toEqual(["a.jsonl", "b.jsonl"]);

    await store.clear();
    expect(await readdir(tmp("run"))).toEqual(["manifest.json"]);
    const cache = await store.openStepCache("a", "fp");
    expect(cache.size).toBe(0);
    await cache.close();
    await new FileRunStore({ dir: tmp("never") }).prune([]); // nothing there: no error
  });

  it("keeps every entry whose put returned when the process is killed with SIGKILL", { timeout: 120_000 }, async () => {
    const dir = tmp("run");
    const store = new FileRunStore({ dir });
    let printed: number[] = [];
    // Kill at several points; each run resumes the same cache, starting after the last id it printed.
    for (const killAfter of [5, 300, 1200]) {
      const start = (printed.at(-1) ?? 0) + 1;
      const more = await runUntilKilled(dir, start, killAfter);
      expect(more.length).toBeGreaterThanOrEqual(killAfter);
      printed = [...printed, ...more];

      const cache = await store.openStepCache("slow step", "fp-1");
      for (const i of printed) {
        const outcome = cache.get(String(i));
        expect(outcome?.kind === "rows" && outcome.rows[0]?.i).toBe(i);
      }
      // A put may have finished after its id was printed by nobody: at most a few extra entries.
      expect(cache.size).toBeGreaterThanOrEqual(printed.length);
      expect(cache.recovery.started).toBe(false);
      await cache.close();
    }
  });
});

/** Runs testdata/put-loop.ts from id `start`, SIGKILLs it once it has printed `count` ids; returns the ids printed. */
function runUntilKilled(dir: string, start: number, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@dataflow/source",
        "--import",
        "tsx",
        join(here, "testdata/put-loop.ts"),
        dir,
        String(start),
      ],
      { cwd: join(here, ".."), stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!killed && out.split("\n").length - 1 >= count) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      if (signal !== "SIGKILL") return reject(new Error(`put-loop exited on its own: ${err}`));
      // Only whole lines: a number cut off by the kill was not fully reported.
      const lines = out.split("\n");
      lines.pop();
      resolve(lines.map(Number));
    });
  });
}
