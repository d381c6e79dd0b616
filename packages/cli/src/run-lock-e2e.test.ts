import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, expect, it } from "vitest";

const pipeline = resolve(import.meta.dirname, "testdata", "generate.yaml");
const repoRoot = resolve(import.meta.dirname, "../../..");
const bin = join(import.meta.dirname, "bin.ts");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-lock-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Exit {
  pid: number;
  code: number | null;
  stderr: string;
}

/** `dataflow run` as its own process, so each run has its own pid, as two users' runs would. */
function run(env: Record<string, string>, cache = "cache"): { pid: number; done: Promise<Exit> } {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@dataflow/source",
      "--import",
      "tsx",
      bin,
      "run",
      pipeline,
      "--output",
      join(tmp, `${cache}.jsonl`),
      "--set",
      `cache.dir=${join(tmp, cache)}`,
      // Above any startup delay of the other run, so a reply held by the gate is never retried.
      "--set",
      "servings.writer.timeoutMs=60000",
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const pid = child.pid ?? -1;
  return { pid, done: new Promise((r) => child.on("close", (code) => r({ pid, code, stderr }))) };
}

/** Every file under the cache with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile())
      out[join(e.parentPath, e.name).slice(dir.length)] = readFileSync(join(e.parentPath, e.name), "utf8");
  return out;
}

it("two runs started at once on one cache: one proceeds, the other fails naming the holder; a third run replays the first's rows with no request", {
  timeout: 120_000,
}, async () => {
  // Replies wait until one of the two runs has exited, so the winner still holds the lock
  // when the loser tries it, however slowly either process starts. More requests in flight
  // than one run's maxConcurrency (4) means both are running: the gate opens, the test fails.
  let oneExited: () => void = () => {};
  const gate = new Promise<void>((r) => {
    oneExited = r;
  });
  let arrived = 0;
  const held = async (text: string) => {
    if (++arrived > 4) oneExited();
    await gate;
    return text;
  };
  const server = await startChatServer({
    rules: [
      { match: /Summarise/, reply: (req) => held(`about ${req.prompt.length} chars`) },
      { match: /Classify this note/, reply: () => held('{"topic": "kitchen"}') },
    ],
  });
  try {
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-lock-123456" };
    const runs = [run(env), run(env)];
    for (const r of runs) r.done.then(() => oneExited());
    const [a, b] = await Promise.all(runs.map((r) => r.done));
    if (a === undefined || b === undefined) throw new Error("two runs expected");
    const exits = [a, b].sort((x, y) => (x.code ?? 9) - (y.code ?? 9));
    const [winner, loser] = exits as [Exit, Exit];
    expect(winner.code, winner.stderr).toBe(0);
    expect(loser.code, loser.stderr).toBe(2);
    expect(loser.stderr).toMatch(
      new RegExp(
        `another run holds the lock on this pipeline's cache \\(pid ${winner.pid} on host .+, started \\d{4}-\\d\\d-\\d\\dT[^)]+\\): wait for it to finish, or stop it; if that process is gone from another host, remove .*\\.lock`,
      ),
    );
    expect(loser.stderr).not.toMatch(/^\s+at /m);

    const chat = () => server.requests.filter((r) => r.path.endsWith("/chat/completions")).length;
    expect(chat()).toBe(6); // 3 rows × 2 steps, paid once
    const output = readFileSync(join(tmp, "cache.jsonl"), "utf8");
    const cache = join(tmp, "cache", "generate");
    expect(existsSync(join(cache, ".lock"))).toBe(false);
    // Every cached line is whole JSON: no torn line from a second writer.
    for (const [file, text] of Object.entries(snapshot(cache)))
      if (file.endsWith(".jsonl")) for (const line of text.split("\n").filter(Boolean)) JSON.parse(line);

    const third = await run(env).done;
    expect(third.code, third.stderr).toBe(0);
    expect(chat()).toBe(6);
    expect(readFileSync(join(tmp, "cache.jsonl"), "utf8")).toBe(output);
    expect(output.trim().split("\n")).toHaveLength(3);
  } finally {
    await server.close();
  }
});

it("SIGTERM during a run (rows hanging until the grace period ends them) releases the lock, and the next run proceeds", {
  timeout: 120_000,
}, async () => {
  let hang = true;
  let firstRequest: () => void = () => {};
  const requested = new Promise<void>((r) => {
    firstRequest = r;
  });
  // While `hang`, a request is answered only when its client goes away.
  const reply = (text: string) => (req: { signal: AbortSignal }) => {
    if (!hang) return text;
    firstRequest();
    return new Promise<string>((_, fail) =>
      req.signal.addEventListener("abort", () => fail(new Error("aborted"))),
    );
  };
  const server = await startChatServer({
    rules: [
      { match: /Summarise/, reply: reply("short") },
      { match: /Classify this note/, reply: reply('{"topic": "kitchen"}') },
    ],
  });
  try {
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-lock-123456" };
    const child = run(env, "term-cache");
    await requested;
    expect(existsSync(join(tmp, "term-cache", "generate", ".lock"))).toBe(true);
    process.kill(child.pid, "SIGTERM");
    const stopped = await child.done;
    expect(stopped.stderr).toContain("stopping: no new rows");
    expect(stopped.stderr).toContain("run interrupted");
    expect(stopped.code).toBe(1);
    expect(readdirSync(join(tmp, "term-cache", "generate")).filter((f) => f.startsWith(".lock"))).toEqual([]);

    hang = false;
    const next = await run(env, "term-cache").done;
    expect(next.code, next.stderr).toBe(0);
  } finally {
    await server.close();
  }
});
