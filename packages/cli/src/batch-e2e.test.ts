import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type ChatRequestInfo,
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { RARE_RULES } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const pipeline = join(repoRoot, "pipelines", "rare.yaml");
const bin = join(import.meta.dirname, "bin.ts");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-batch-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The teacher in batch mode, polling the loopback server quickly; prices to see batch cost. */
const BATCH = [
  "--set",
  "servings.teacher.type=openai",
  "--set",
  "servings.teacher.batch={idleMs: 100, pollMs: 20, maxPollMs: 100}",
  "--set",
  "servings.teacher.prices={input: 0.15, output: 0.6}",
];

async function start(options: ChatServerOptions = {}): Promise<ChatServer> {
  server = await startChatServer({
    ...options,
    rules: [...(options.rules ?? []), ...RARE_RULES],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
  });
  return server;
}

/** Doc2Query's prompt for the document that contains `text` (other prompts show it among negatives). */
const doc2query = (text: string) => (req: ChatRequestInfo) =>
  req.prompt.includes("<reference_material>") && req.prompt.includes(text);

async function runRare(s: ChatServer, name: string, extra: string[] = BATCH) {
  const c = captureIO({ OPENAI_BASE_URL: s.url, DATAFLOW_MODEL: "test-model" });
  const output = join(tmp, `${name}.jsonl`);
  const args = ["run", pipeline, "--output", output, "--set", `cache.dir=${join(tmp, `cache-${name}`)}`];
  const code = await runCli([...args, ...extra], c.io);
  return { code, out: c.stdout() + c.stderr(), rows: rowsOf(output) };
}

const rowsOf = (path: string): Record<string, unknown>[] =>
  existsSync(path)
    ? readFileSync(path, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

const counts = (s: ChatServer): number[] => [...s.batches.requestsByCustomId.values()];

describe("pipelines/rare.yaml with the teacher in batch mode", () => {
  it("completes every row through three batches and no synchronous call; sync mode then reuses the answers", {
    timeout: 120_000,
  }, async () => {
    const s = await start();
    const first = await runRare(s, "plain");
    console.log(`--- rare.yaml, teacher in batch mode ---\n${first.out}`);
    expect(first.code, first.out).toBe(0);
    expect(first.rows).toHaveLength(29);
    for (const row of first.rows) expect(row.reasoning).toMatch(/First pin down the essential problem/);
    expect(chatRequests(s)).toHaveLength(0);
    // doc2query, judge and distill: one file and one batch each; every request sent once.
    expect(s.batches).toMatchObject({ filesUploaded: 3, batchesCreated: 3 });
    expect(counts(s)).toHaveLength(89);
    expect(counts(s).every((n) => n === 1)).toBe(true);
    expect(first.out).toMatch(/reconciled: yes/);
    expect(first.out).toMatch(/submitted batch batch-test-0: 30 requests/);
    expect(first.out).toMatch(/batch batch-test-2 completed: 29\/29 done; batches: 3 completed/);

    // The same pipeline with batch mode off answers from the response cache: nothing is paid twice.
    const sync = await runRare(s, "plain", ["--set", "servings.teacher.type=openai", "--fresh"]);
    expect(sync.code, sync.out).toBe(0);
    expect(sync.rows).toEqual(first.rows);
    expect(chatRequests(s)).toHaveLength(0);
    expect(s.batches.batchesCreated).toBe(3);
  });

  it("a run killed (SIGKILL) with a batch pending resumes it: no batch submitted twice", {
    timeout: 180_000,
  }, async () => {
    const s = await start({ batchStageMs: 700 });
    const cacheDir = join(tmp, "cache-killed");
    const output = join(tmp, "killed.jsonl");
    const args = ["run", pipeline, "--output", output, "--set", `cache.dir=${cacheDir}`, ...BATCH];
    const journal = join(cacheDir, "rare", "batches", "teacher.jsonl");
    const submitted = () => existsSync(journal) && readFileSync(journal, "utf8").includes('"type":"batch"');
    // Killed once the doc2query batch is journaled and while the server still has it validating.
    const killed = await spawnRun(s, args, submitted);
    expect(killed.signal).toBe("SIGKILL");
    expect(s.batches.batchesCreated).toBe(1);
    expect(readFileSync(journal, "utf8")).not.toContain('"type":"end"');

    const resumed = await spawnRun(s, args);
    expect(resumed.code, resumed.err).toBe(0);
    expect(rowsOf(output)).toHaveLength(29);
    expect(resumed.err).toMatch(/1 batches journaled by earlier runs/);
    expect(s.batches.batchesCreated).toBe(3);
    expect(counts(s)).toHaveLength(89);
    expect(counts(s).every((n) => n === 1)).toBe(true);
    expect(chatRequests(s)).toHaveLength(0);
  });

  it("a run killed after the provider created its batch but before it journaled the id finds that batch on restart", {
    timeout: 180_000,
  }, async () => {
    // The create reply is held back: the child is killed with the batch created but its id unknown.
    const s = await start({ batchCreateLatencyMs: 2_000 });
    const cacheDir = join(tmp, "cache-orphan");
    const output = join(tmp, "orphan.jsonl");
    const args = ["run", pipeline, "--output", output, "--set", `cache.dir=${cacheDir}`, ...BATCH];
    const killed = await spawnRun(s, args, () => s.batches.batchesCreated >= 1);
    expect(killed.signal).toBe("SIGKILL");
    const journal = readFileSync(join(cacheDir, "rare", "batches", "teacher.jsonl"), "utf8");
    expect(journal).toContain('"type":"upload"');
    expect(journal).not.toContain('"type":"batch"');

    const resumed = await spawnRun(s, args);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toMatch(/found batch batch-test-0, submitted before the last run stopped/);
    expect(rowsOf(output)).toHaveLength(29);
    expect(s.batches.batchesCreated).toBe(3);
    expect(counts(s).every((n) => n === 1)).toBe(true);
  });

  it("an expired batch's unrun requests are submitted once more; a 400 line is a reject with its reason, a 500 line is retried", {
    timeout: 120_000,
  }, async () => {
    const s = await start({
      batchFate: (b) => (b.index === 0 ? { expire: { answered: 20 } } : "complete"),
      rules: [
        {
          match: doc2query("Hydraulic disc brakes move pistons"),
          fault: { status: 400, message: "injected: context too long" },
        },
        { match: doc2query("A chain does not truly stretch"), fault: { status: 503 }, times: 1 },
      ],
    });
    const run = await runRare(s, "faults");
    expect(run.code, run.out).toBe(0);
    // Doc2query of bike-04 was refused, bike-01 is filtered by the judge: 28 rows remain.
    expect(run.rows).toHaveLength(28);
    const twice = counts(s).filter((n) => n === 2).length;
    // Docs 21–30, unrun by the expired batch, and bike-07's 503 line: each sent exactly twice.
    expect(twice).toBe(11);
    expect(counts(s).every((n) => n <= 2)).toBe(true);
    const rejects = readFileSync(join(tmp, "cache-faults", "rare", "rejects", "doc2query.jsonl"), "utf8");
    expect(rejects).toContain("injected: context too long");
    expect(rejects).toContain("bad-request");
    expect(run.out).toMatch(/reconciled: yes/);
  });
});

/** Runs the CLI in a child process; with `killWhen`, SIGKILLs it once that holds (checked every 5 ms). */
function spawnRun(
  s: ChatServer,
  args: string[],
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  const errPath = join(tmp, `spawn-${readdirSync(tmp).length}.err`);
  const errFd = openSync(errPath, "w");
  const child = spawn(process.execPath, ["--conditions=@dataflow/source", "--import", "tsx", bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, OPENAI_BASE_URL: s.url, DATAFLOW_MODEL: "test-model", OPENAI_API_KEY: "" },
    stdio: ["ignore", "ignore", errFd],
  });
  closeSync(errFd);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("close", (code, signal) => r({ code, signal })),
  );
  const poll = killWhen
    ? setInterval(() => {
        if (killWhen()) child.kill("SIGKILL");
      }, 5)
    : undefined;
  const deadline = setTimeout(() => child.kill("SIGKILL"), 150_000);
  return done.then((r) => {
    clearInterval(poll);
    clearTimeout(deadline);
    return { ...r, err: readFileSync(errPath, "utf8") };
  });
}
