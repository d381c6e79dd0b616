/**
 * Work-queue benchmark: rows/s of a CPU-bound pipeline (BM25 hard-negative mining, no LLM) run by
 * `dataflow run --queue` with 1, 2 and 4 `dataflow worker` processes on this machine, beside the same
 * pipeline run in one process, and the coordinator's overhead per chunk.
 *
 *   pnpm bench:queue                          # 100k synthetic rows, chunks of 2000
 *   pnpm bench:queue -- --rows 20000          # a quick run
 *   pnpm bench:queue -- --chunk-size 1000 --workers 1,2
 *
 * Rows are synthetic passages (bm25-synthetic.ts, ~900 characters) with a 12-word question each
 * (bm25-mining.ts); the step mines 3 negatives per row from a `bm25` retriever over the same file,
 * so each worker builds the index once and then mines its chunks. A redis-server (Debian's) is started
 * on a free loopback port. Times are wall-clock from the coordinator's start to its exit, workers
 * already started and waiting; they include each worker's index build and chunk reading, as a user
 * sees them. Overhead per chunk: the coordinator's own CPU time (counting positions, enqueueing,
 * waiting, merging rows into the output) divided by the chunks, from its --json summary; and, wall
 * time, (1-worker queue run − single-process run) / chunks. A machine with fewer cores than workers
 * cannot scale past its cores: the table says how many it has.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findRedisServer, startTestRedis } from "../packages/cli/src/testdata/redis-server.ts";
import { questionFor } from "./bm25-mining.ts";
import { passage } from "./bm25-synthetic.ts";
import { fmt } from "./child-result.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");

function argValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const ROWS = Number(argValue("--rows") ?? 100_000);
const CHUNK = Number(argValue("--chunk-size") ?? 2000);
const WORKERS = (argValue("--workers") ?? "1,2,4").split(",").map(Number);
/** No single measurement may run longer than this. */
const LIMIT_MS = Number(argValue("--limit-s") ?? 900) * 1000;

async function writeRows(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    const text = passage(i);
    if (!out.write(`${JSON.stringify({ id: `p${i}`, text, question: questionFor(text, i) })}\n`))
      await new Promise((r) => out.once("drain", r));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

const PIPELINE = `name: queue-bench
source: { path: rows.jsonl, idColumn: id }
retrievers:
  corpus: { type: bm25, corpus: rows.jsonl }
steps:
  - id: negatives
    op: rare/bm25-hard-neg
    retriever: corpus
    inputs: { question: question, text: text }
    outputs: { negatives: hard_negatives }
    params: { numNeg: 3, minNeg: 0 }
`;

interface Spawned {
  child: ChildProcess;
  done: Promise<number | null>;
  output: () => string;
}

function cli(args: string[]): Spawned {
  const child = spawn(process.execPath, ["--conditions=@dataflow/source", "--import", "tsx", bin, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
  const done = new Promise<number | null>((r) => child.on("close", r)).finally(() => clearTimeout(timer));
  return { child, done, output: () => output };
}

/** Waits (bounded) until a worker says it is taking chunks. */
async function ready(worker: Spawned): Promise<void> {
  for (let i = 0; i < 1200 && !worker.output().includes("taking chunks"); i++) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Measured {
  label: string;
  seconds: number;
  coordinatorCpuMsPerChunk?: number;
}

async function measure(dir: string, workers: number, redisUrl: string | undefined): Promise<Measured> {
  const pipeline = join(dir, "pipeline.yaml");
  const cache = join(dir, `cache-${workers}`);
  const out = join(dir, `out-${workers}.jsonl`);
  const common = [pipeline, "--set", `cache.dir=${cache}`];
  const started: Spawned[] = [];
  try {
    if (redisUrl) {
      for (let i = 0; i < workers; i++)
        started.push(cli(["worker", ...common, "--queue", redisUrl, "--until-done"]));
      for (const w of started) await ready(w);
    }
    const queueArgs = redisUrl ? ["--queue", redisUrl, "--chunk-size", String(CHUNK)] : [];
    const t0 = performance.now();
    const run = cli(["run", ...common, "--output", out, "--json", ...queueArgs]);
    const code = await run.done;
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`run failed (${code}):\n${run.output().slice(-4000)}`);
    const json = run.output();
    const summary = JSON.parse(json.slice(json.indexOf("{\n"), json.lastIndexOf("}") + 1));
    for (const w of started) await w.done;
    return {
      label: redisUrl ? `queue, ${workers} worker${workers > 1 ? "s" : ""}` : "single process",
      seconds,
      ...(summary.queue ? { coordinatorCpuMsPerChunk: summary.queue.coordinatorCpuMsPerChunk } : {}),
    };
  } finally {
    for (const w of started) w.child.kill("SIGKILL");
  }
}

async function main(): Promise<void> {
  const redisBin = findRedisServer();
  if (!redisBin) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "dataflow-queue-bench-"));
  const redis = await startTestRedis(redisBin);
  try {
    process.stderr.write(`writing ${fmt(ROWS)} rows...\n`);
    await writeRows(join(dir, "rows.jsonl"), ROWS);
    writeFileSync(join(dir, "pipeline.yaml"), PIPELINE);
    const results: Measured[] = [];
    process.stderr.write("running single process...\n");
    results.push(await measure(dir, 1, undefined));
    for (const w of WORKERS) {
      process.stderr.write(`running queue with ${w} workers...\n`);
      results.push(await measure(dir, w, redis.url));
    }
    const single = results[0] as Measured;
    const chunks = Math.ceil(ROWS / CHUNK);
    console.log(
      `BM25 mining, ${fmt(ROWS)} rows, chunks of ${fmt(CHUNK)} (${chunks}), ${availableParallelism()} cores`,
    );
    console.log("| run | seconds | rows/s | vs single | coordinator CPU ms/chunk | coordinator CPU µs/row |");
    console.log("|---|---|---|---|---|---|");
    for (const r of results)
      console.log(
        `| ${r.label} | ${fmt(r.seconds, 1)} | ${fmt(ROWS / r.seconds)} | ${fmt(single.seconds / r.seconds, 2)}x | ${r.coordinatorCpuMsPerChunk === undefined ? "" : fmt(r.coordinatorCpuMsPerChunk, 1)} | ${r.coordinatorCpuMsPerChunk === undefined ? "" : fmt((r.coordinatorCpuMsPerChunk * chunks * 1000) / ROWS, 0)} |`,
      );
    const one = results.find((r) => r.label === "queue, 1 worker");
    if (one)
      console.log(
        `wall overhead per chunk (1 worker vs single process): ${fmt(((one.seconds - single.seconds) * 1000) / chunks, 0)} ms`,
      );
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
