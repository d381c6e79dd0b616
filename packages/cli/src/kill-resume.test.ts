import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** Run the CLI; with `killAfter`, SIGKILL it once the log shows that many rows started. */
function run(args: string[], log: string, killAfter?: number): Promise<number | null> {
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
      stdio: "ignore",
    },
  );
  const done = new Promise<number | null>((r) => child.on("close", r));
  if (killAfter !== undefined) {
    const poll = setInterval(() => {
      if (lines(log).length >= killAfter) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 5);
    done.finally(() => clearInterval(poll));
  }
  return done;
}

describe("kill -9 and resume", () => {
  it("resumes after SIGKILL at several points with output equal to an uninterrupted run, never recomputing a recorded row", {
    timeout: 180_000,
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
    // Early, in the middle, and once every remaining row has started (the run is finishing or renaming).
    for (const [i, target] of [10, 100, Number.POSITIVE_INFINITY].entries()) {
      const before = cachedIds(cacheDir);
      const log = join(tmp, `kill-${i}.log`);
      await run(common, log, Math.min(target, ROWS - before.size));
      expect(lines(log).filter((id) => before.has(id))).toEqual([]);
      // An output file, if the run got that far, is already the complete one.
      if (existsSync(out)) expect(readFileSync(out).equals(reference)).toBe(true);
    }
    const before = cachedIds(cacheDir);
    const finalLog = join(tmp, "final.log");
    expect(await run(common, finalLog)).toBe(0);
    expect(lines(finalLog).filter((id) => before.has(id))).toEqual([]);
    expect(lines(finalLog).length).toBe(ROWS - before.size);
    expect(readFileSync(out).equals(reference)).toBe(true);
    expect(before.size).toBeGreaterThan(0);
  });
});
