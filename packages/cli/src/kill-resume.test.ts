import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const testdata = resolve(import.meta.dirname, "testdata");
const repoRoot = resolve(import.meta.dirname, "../../..");
const bin = join(import.meta.dirname, "bin.ts");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-kill-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROWS = 240;
const input = join(tmp, "in.jsonl");
writeFileSync(input, `${Array.from({ length: ROWS }, (_, n) => JSON.stringify({ n })).join("\n")}\n`);

const lines = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];

/** Ids the step cache holds complete: every whole, parseable line after the header. */
function cachedIds(cacheDir: string): Set<string> {
  const file = join(cacheDir, "slow-cached", "steps", "compute.jsonl");
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  const text = readFileSync(file, "utf8");
  const whole = text.slice(0, text.lastIndexOf("\n") + 1);
  for (const line of whole.split("\n").slice(1).filter(Boolean)) ids.add(String(JSON.parse(line).id));
  return ids;
}

/** When to kill a run: once the log shows that many rows started, or after that many milliseconds. */
type KillAt = { rows: number } | { ms: number };

/** Run the CLI; with `kill`, SIGKILL it at that point. */
function run(args: string[], log: string, kill?: KillAt): Promise<number | null> {
  const errFd = openSync(`${log}.err`, "w");
  const child = spawn(
    process.execPath,
    [
      "--conditions=@dataflow/source",
      "--import",
      "tsx",
      bin,
      "run",
      join(testdata, "slow-cached.yaml"),
      "--input",
      input,
      ...args,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, SLOW_LOG: log },
      // stderr kept beside the log, for the message of a run that fails.
      stdio: ["ignore", "ignore", errFd],
    },
  );
  closeSync(errFd); // the child has its own copy
  const done = new Promise<number | null>((r) => child.on("close", r));
  if (kill !== undefined && "ms" in kill) {
    const timer = setTimeout(() => child.kill("SIGKILL"), kill.ms);
    done.finally(() => clearTimeout(timer));
  } else if (kill !== undefined) {
    const poll = setInterval(() => {
      if (lines(log).length >= kill.rows) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 5);
    done.finally(() => clearInterval(poll));
  }
  return done;
}

/** mulberry32: kill points drawn from a seed that a failure reports, so it can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Temp files of the output left in its directory (`.out.jsonl.tmp-…`). */
const tempsOf = (dir: string, name: string): string[] =>
  readdirSync(dir).filter((f) => f.startsWith(`.${name}.tmp-`));

describe("kill -9 and resume", () => {
  it("resumes after SIGKILL at 22 random points with output equal to an uninterrupted run, never recomputing a recorded row, leaving no temp file", {
    timeout: 300_000,
  }, async () => {
    const refOut = join(tmp, "ref.jsonl");
    expect(
      await run(["--output", refOut, "--set", `cache.dir=${join(tmp, "ref-cache")}`], join(tmp, "ref.log")),
    ).toBe(0);
    const reference = readFileSync(refOut);
    expect(lines(refOut).length).toBe(ROWS);

    const cacheDir = join(tmp, "cache");
    const out = join(tmp, "out.jsonl");
    const common = ["--output", out, "--set", `cache.dir=${cacheDir}`];
    const seed = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = random(seed);
    const why = `KILL_SEED=${seed}`;
    // 18 kills a few rows into a run, then 4 at a random time (start-up, rows, or finishing and renaming).
    const plan: KillAt[] = [
      ...Array.from({ length: 18 }, () => ({ rows: 1 + Math.floor(rand() * 8) })),
      ...Array.from({ length: 4 }, () => ({ ms: 200 + Math.floor(rand() * 2500) })),
    ];
    let staleSeen = 0;
    let locksLeft = 0; // run locks a kill -9 left, each broken by the next run
    for (const [i, kill] of plan.entries()) {
      const before = cachedIds(cacheDir);
      staleSeen += tempsOf(tmp, "out.jsonl").length;
      const log = join(tmp, `kill-${i}.log`);
      const at = "rows" in kill ? { rows: Math.min(kill.rows, ROWS - before.size) } : kill;
      await run(common, log, at);
      if (existsSync(join(cacheDir, "slow-cached", ".lock"))) locksLeft++;
      expect(
        lines(log).filter((id) => before.has(id)),
        why,
      ).toEqual([]);
      // An output file, if a run got that far, is already the complete one.
      if (existsSync(out)) expect(readFileSync(out).equals(reference), why).toBe(true);
      expect(tempsOf(tmp, "out.jsonl").length, why).toBeLessThanOrEqual(1);
    }
    const before = cachedIds(cacheDir);
    const finalLog = join(tmp, "final.log");
    const code = await run(common, finalLog);
    expect(code, `${why}\n${readFileSync(`${finalLog}.err`, "utf8")}`).toBe(0);
    expect(
      lines(finalLog).filter((id) => before.has(id)),
      why,
    ).toEqual([]);
    expect(lines(finalLog).length, why).toBe(ROWS - before.size);
    expect(readFileSync(out).equals(reference), why).toBe(true);
    expect(before.size, why).toBeGreaterThan(0);
    // Kills left partial outputs behind; each next run removed its dead predecessor's, and the last none.
    expect(staleSeen, why).toBeGreaterThan(0);
    expect(tempsOf(tmp, "out.jsonl"), why).toEqual([]);
    expect(locksLeft, why).toBeGreaterThan(0);
    expect(
      readdirSync(join(cacheDir, "slow-cached")).filter((f) => f.startsWith(".lock")),
      why,
    ).toEqual([]);
  });
});
