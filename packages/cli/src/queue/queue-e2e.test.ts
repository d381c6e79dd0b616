import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type ChatServer,
  chatRequests,
  lastUserMessage,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisTestPlan, startTestRedis, type TestRedis } from "../testdata/redis-server.js";

// In CI (CI set) a missing redis-server throws here: the file fails, it never skips.
const redisPlan = redisTestPlan();
if (!redisPlan.run) console.warn(`queue-e2e: ${redisPlan.why}`);

const repoRoot = resolve(import.meta.dirname, "../../../..");
const bin = resolve(import.meta.dirname, "..", "bin.ts");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-queue-"));
const ROWS = 120;
const pipeline = join(tmp, "notes.yaml");
const children = new Set<ChildProcess>();
let redis: TestRedis | undefined;
let server: ChatServer | undefined;

writeFileSync(
  pipeline,
  `name: queue-notes
source: { path: notes.jsonl, idColumn: id }
servings:
  writer: { type: openai, model: test-model, maxConcurrency: 2, timeoutMs: 20000, maxRetries: 1 }
steps:
  - id: summarise
    op: llm/generate
    serving: writer
    outputs: { output: summary }
    params: { prompt: "Summarise note {{id}}: {{text}}" }
  - id: line
    op: core/template
    outputs: { output: line }
    params: { template: "{{id}} -> {{summary}}" }
`,
);
// One unreadable line: a source reject that must land in exactly one chunk.
const lines = Array.from({ length: ROWS }, (_, n) =>
  JSON.stringify({ id: `n${n}`, text: `note number ${n}` }),
);
lines.splice(57, 0, "{ not json");
writeFileSync(join(tmp, "notes.jsonl"), `${lines.join("\n")}\n`);

beforeAll(async () => {
  if (!redisPlan.run) return;
  redis = await startTestRedis(redisPlan.bin);
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await redis?.stop();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const startServer = () =>
  startChatServer({
    latencyMs: 40,
    rules: [{ match: /Summarise note/, reply: (req) => `summary of ${idOf(req.prompt)}` }],
  });

const idOf = (prompt: string): string => /Summarise note (n\d+):/.exec(prompt)?.[1] ?? "?";

/** Spawns the CLI; resolves with its exit code, stderr kept in `log`. */
function cli(
  args: string[],
  log: string,
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<number | null> } {
  const errFd = openSync(log, "w");
  const child = spawn(process.execPath, ["--conditions=@dataflow/source", "--import", "tsx", bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", errFd, errFd],
  });
  closeSync(errFd);
  children.add(child);
  const done = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  done.finally(() => children.delete(child));
  return { child, done };
}

/** Step-cache ids recorded (whole lines) in one attempt folder. */
function recordedIds(attemptDir: string): string[] {
  const file = join(attemptDir, "steps", "summarise.jsonl");
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((l) => String(JSON.parse(l).id));
}

/** Every chunk folder's attempts: [chunk dir, attempt name, pid]. */
function attempts(cacheDir: string): { chunk: string; attempt: string; pid: number }[] {
  const queueRoot = join(cacheDir, "queue-notes", "queue");
  if (!existsSync(queueRoot)) return [];
  const out: { chunk: string; attempt: string; pid: number }[] = [];
  for (const digest of readdirSync(queueRoot))
    for (const chunk of readdirSync(join(queueRoot, digest))) {
      const dir = join(queueRoot, digest, chunk, "attempts");
      if (!existsSync(dir)) continue;
      for (const attempt of readdirSync(dir))
        out.push({ chunk: join(queueRoot, digest, chunk), attempt, pid: Number(attempt.split("-").at(-2)) });
    }
  return out;
}

const env = (s: ChatServer) => ({ OPENAI_BASE_URL: s.url, OPENAI_API_KEY: "sk-queue-test-secret-0042" });

let reference: Promise<string> | undefined;
/** The single-process run's output (its own server and cache), made once. */
function referenceOutput(): Promise<string> {
  reference ??= (async () => {
    const own = await startServer();
    try {
      const refOut = join(tmp, "ref.jsonl");
      const args = ["run", pipeline, "--output", refOut, "--set", `cache.dir=${join(tmp, "ref-cache")}`];
      const run = cli(args, join(tmp, "ref.log"), env(own));
      expect(await run.done, readFileSync(join(tmp, "ref.log"), "utf8")).toBe(0);
      return refOut;
    } finally {
      await own.close();
    }
  })();
  return reference;
}

/** The --json summary in a log that has other lines after it (the report's path). */
function jsonSummary(log: string) {
  const start = log.indexOf("{\n");
  return JSON.parse(log.slice(start, log.indexOf("\n}\n", start) + 2));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!redisPlan.run)("work queue: a coordinator and 3 workers on a real redis-server", () => {
  it("a worker SIGKILLed mid-chunk loses nothing: output byte-identical to a single-process run, no recorded row requested twice", {
    timeout: 240_000,
  }, async () => {
    const refOut = await referenceOutput();
    server = await startServer();
    const cacheDir = join(tmp, "cache");
    const queueUrl = (redis as TestRedis).url;
    const common = ["--set", `cache.dir=${cacheDir}`, "--queue", queueUrl];
    const workers = [0, 1, 2].map((i) =>
      cli(
        ["worker", pipeline, ...common, "--lock-ms", "4000", "--until-done"],
        join(tmp, `worker-${i}.log`),
        env(server as ChatServer),
      ),
    );
    const out = join(tmp, "out.jsonl");
    const coordinator = cli(
      ["run", pipeline, ...common, "--output", out, "--chunk-size", "10", "--json"],
      join(tmp, "coordinator.log"),
      env(server),
    );

    // Kill the first worker seen with rows recorded in a chunk it has not finished.
    let victim: { chunk: string; attempt: string; pid: number; recorded: string[] } | undefined;
    for (let i = 0; i < 2000 && !victim; i++) {
      for (const a of attempts(cacheDir)) {
        const recorded = recordedIds(join(a.chunk, "attempts", a.attempt));
        const w = workers.find((w) => w.child.pid === a.pid);
        if (w && recorded.length >= 2 && !existsSync(join(a.chunk, "done.json"))) {
          w.child.kill("SIGKILL");
          await w.done;
          victim = { ...a, recorded: recordedIds(join(a.chunk, "attempts", a.attempt)) };
          break;
        }
      }
      if (!victim) await sleep(20);
    }
    expect(victim, "no worker was caught mid-chunk").toBeDefined();
    const killed = victim as NonNullable<typeof victim>;

    const code = await Promise.race([coordinator.done, sleep(180_000).then(() => "timeout")]);
    const log = readFileSync(join(tmp, "coordinator.log"), "utf8");
    expect(code, log).toBe(0);
    expect(
      readFileSync(out).equals(readFileSync(refOut)),
      "queue output differs from the single-process output",
    ).toBe(true);

    // The killed chunk was finished by another worker, from the rows the killed one recorded.
    const done = JSON.parse(readFileSync(join(killed.chunk, "done.json"), "utf8"));
    expect(done.worker.pid).not.toBe(killed.pid);
    const finisher = join(killed.chunk, "attempts", done.attempt);
    expect(recordedIds(finisher)).toEqual(expect.arrayContaining(killed.recorded));
    // ...replayed from its step cache (seeded from the killed attempt), not recomputed from the response cache.
    const manifest = JSON.parse(readFileSync(join(finisher, "manifest.json"), "utf8"));
    expect(manifest.steps[0].replayed).toBeGreaterThanOrEqual(new Set(killed.recorded).size);

    // The LLM server's counters: every row asked for, and no row asked again once recorded.
    const asked = new Map<string, number>();
    for (const r of chatRequests(server)) {
      const id = idOf(lastUserMessage(r.body));
      asked.set(id, (asked.get(id) ?? 0) + 1);
    }
    expect(asked.size).toBe(ROWS);
    for (const id of killed.recorded)
      expect(asked.get(id), `row ${id} was recorded, then asked again`).toBe(1);
    // Only rows in flight in the killed worker (2 at most: maxConcurrency) may have been asked twice.
    const twice = [...asked.entries()].filter(([, n]) => n > 1);
    const workerLogs = [0, 1, 2].map((i) => readFileSync(join(tmp, `worker-${i}.log`), "utf8")).join("\n");
    expect(
      twice.length,
      `${JSON.stringify(twice)} killed ${JSON.stringify(killed)}\n${workerLogs}`,
    ).toBeLessThanOrEqual(2);
    for (const [id] of twice) expect(killed.recorded).not.toContain(id);

    const summary = JSON.parse(log.slice(log.indexOf("{\n")));
    expect(summary.status).toBe("ok");
    expect(summary.reconciled).toBe(true);
    expect(summary.source).toMatchObject({ read: ROWS, bad: 1 });
    expect(summary.written).toBe(ROWS);
    expect(summary.queue).toMatchObject({ chunks: 13, chunkSize: 10 });
    expect(summary.steps[0].usage.requests).toBeGreaterThanOrEqual(ROWS - killed.recorded.length);
    expect(log).not.toContain("sk-queue-test-secret-0042");
    // The source reject is in the run directory's rejects, once.
    const rejects = readFileSync(join(cacheDir, "queue-notes", "rejects", "source.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(rejects).toHaveLength(1);

    // --until-done: the surviving workers exit by themselves once the run is finished.
    const exits = await Promise.race([
      Promise.all(workers.filter((w) => w.child.pid !== killed.pid).map((w) => w.done)),
      sleep(30_000).then(() => "timeout"),
    ]);
    expect(exits).toEqual([0, 0]);
  });

  it("a coordinator SIGKILLed mid-run and started again resumes from the queue and the chunk markers", {
    timeout: 240_000,
  }, async () => {
    const refOut = await referenceOutput();
    const own = await startServer();
    try {
      const cacheDir = join(tmp, "cache-restart");
      const queueUrl = (redis as TestRedis).url;
      const common = ["--set", `cache.dir=${cacheDir}`, "--queue", queueUrl];
      const workers = [0, 1].map((i) =>
        cli(["worker", pipeline, ...common, "--until-done"], join(tmp, `restart-worker-${i}.log`), env(own)),
      );
      const out = join(tmp, "restart.jsonl");
      const args = ["run", pipeline, ...common, "--output", out, "--chunk-size", "10", "--json"];
      const first = cli(args, join(tmp, "restart-1.log"), env(own));
      const doneMarkers = () =>
        attempts(cacheDir).filter((a) => existsSync(join(a.chunk, "done.json"))).length;
      for (let i = 0; i < 3000 && doneMarkers() < 3; i++) await sleep(20);
      first.child.kill("SIGKILL");
      await first.done;
      expect(existsSync(out)).toBe(false);

      const second = cli(args, join(tmp, "restart-2.log"), env(own));
      const code = await Promise.race([second.done, sleep(180_000).then(() => "timeout")]);
      const log = readFileSync(join(tmp, "restart-2.log"), "utf8");
      expect(code, log).toBe(0);
      expect(readFileSync(out).equals(readFileSync(refOut))).toBe(true);
      const before = Number(/13 chunks of 10 source rows .*: (\d+) done before/.exec(log)?.[1]);
      expect(before).toBeGreaterThanOrEqual(3);
      // Nothing was asked twice: every chunk ran once, whichever coordinator was collecting.
      expect(chatRequests(own)).toHaveLength(ROWS);
      const exits = await Promise.race([
        Promise.all(workers.map((w) => w.done)),
        sleep(30_000).then(() => "timeout"),
      ]);
      expect(exits).toEqual([0, 0]);
    } finally {
      await own.close();
    }
  });

  it("steps decided over every row (core/dedup) are decided once all chunks are in: output, counts and rejects as one process has them", {
    timeout: 180_000,
  }, async () => {
    const dir = join(tmp, "dedup");
    mkdirSync(dir);
    const dedupPipeline = join(dir, "topics.yaml");
    writeFileSync(
      dedupPipeline,
      `name: queue-topics
source: { path: topics.jsonl, idColumn: id }
steps:
  - id: key
    op: core/template
    outputs: { output: key }
    params: { template: "{{topic}}" }
  - id: dedup
    op: core/dedup
    params: { column: key }
  - id: line
    op: core/template
    outputs: { output: line }
    params: { template: "{{id}} is about {{topic}}" }
`,
    );
    // 45 rows over 13 topics: duplicates across chunks of 10, a row's first topic in a later chunk.
    const rows = Array.from({ length: 45 }, (_, n) =>
      JSON.stringify({ id: `r${n}`, topic: `t${(n * 7) % 13}` }),
    );
    rows.splice(20, 0, "{ broken");
    writeFileSync(join(dir, "topics.jsonl"), `${rows.join("\n")}\n`);

    const refOut = join(dir, "ref.jsonl");
    const ref = cli(
      ["run", dedupPipeline, "--output", refOut, "--set", `cache.dir=${join(dir, "ref-cache")}`, "--json"],
      join(dir, "ref.log"),
      {},
    );
    expect(await ref.done, readFileSync(join(dir, "ref.log"), "utf8")).toBe(0);
    const refLog = readFileSync(join(dir, "ref.log"), "utf8");
    const refSummary = jsonSummary(refLog);

    const cacheDir = join(dir, "cache");
    const common = ["--set", `cache.dir=${cacheDir}`, "--queue", (redis as TestRedis).url];
    const workers = [0, 1].map((i) =>
      cli(["worker", dedupPipeline, ...common, "--until-done"], join(dir, `worker-${i}.log`), {}),
    );
    const out = join(dir, "out.jsonl");
    const coordinator = cli(
      ["run", dedupPipeline, ...common, "--output", out, "--chunk-size", "10", "--json"],
      join(dir, "coordinator.log"),
      {},
    );
    const code = await Promise.race([coordinator.done, sleep(150_000).then(() => "timeout")]);
    const log = readFileSync(join(dir, "coordinator.log"), "utf8");
    expect(code, log).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(refOut, "utf8"));
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(13);
    const summary = jsonSummary(log);
    expect(summary.written).toBe(refSummary.written);
    expect(summary.steps[1]).toMatchObject({ id: "dedup", in: 45, out: 13, filtered: 32 });
    expect(summary.steps[1].filteredBy).toEqual(refSummary.steps[1].filteredBy);
    expect(summary.source).toMatchObject({ read: 45, bad: 1 });
    expect(log).toMatch(
      /decided over every chunk's rows: dedup; 32 output rows of the chunks were dropped there/,
    );
    const rejects = readFileSync(join(cacheDir, "queue-topics", "rejects", "source.jsonl"), "utf8");
    expect(rejects.trim().split("\n")).toHaveLength(1);
    const exits = await Promise.race([
      Promise.all(workers.map((w) => w.done)),
      sleep(30_000).then(() => "timeout"),
    ]);
    expect(exits).toEqual([0, 0]);
  });
});
