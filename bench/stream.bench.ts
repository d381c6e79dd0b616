/**
 * Streaming benchmark: N rows through a 3-step row pipeline (template →
 * length filter → select) from JSONL to JSONL, each N in a fresh child process
 * so peak RSS is its own. Memory must not grow with N: the children run with
 * V8's heap capped at HEAP_MIB, which a pipeline that buffered rows would
 * overflow long before 1M rows.
 *
 *   pnpm bench:stream                       # 100k and 1M rows
 *   pnpm bench:stream -- --sizes 10000,100000
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compilePipeline,
  OperatorRegistry,
  registerCoreOperators,
  runPipeline,
} from "@dataflow/core";
import { FileStorage } from "@dataflow/storage";

const here = dirname(fileURLToPath(import.meta.url));
const HEAP_MIB = 64;
const tmp = join(here, ".tmp");

const PIPELINE = `name: stream-bench
source: { path: in.jsonl }
output: { path: out.jsonl }
steps:
  - id: render
    op: core/template
    outputs: { output: prompt }
    params: { template: "Topic {{topic}}: {{text}} (#{{n}})" }
  - id: long-enough
    op: core/length-filter
    params: { column: text, min: 20 }
  - id: keep
    op: core/select
    params: { columns: [n, prompt] }
`;

async function writeInput(path: string, n: number): Promise<void> {
  if (existsSync(path) && statSync(path).size > 0) return;
  const out = createWriteStream(path);
  const words = ["river", "stone", "bread", "signal", "orbit", "garden", "copper", "lantern", "harbour", "meadow"];
  for (let i = 0; i < n; i++) {
    const text = Array.from({ length: 12 + (i % 9) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ");
    const line = `${JSON.stringify({ n: i, topic: words[i % words.length], text: i % 10 === 0 ? "short" : text })}\n`;
    if (!out.write(line)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Child: run the pipeline once over `n` rows and print one JSON line of measurements. */
async function child(n: number): Promise<void> {
  const dir = join(tmp, String(n));
  mkdirSync(dir, { recursive: true });
  await writeInput(join(dir, "in.jsonl"), n);
  const registry = new OperatorRegistry();
  registerCoreOperators(registry);
  const { plan } = await compilePipeline(PIPELINE, join(dir, "pipeline.yaml"), {
    registry,
    env: {},
    sampleColumns: async () => ["n", "topic", "text"],
  });
  if (!plan) throw new Error("benchmark pipeline did not compile");
  const storage = new FileStorage({
    input: { path: plan.source.path },
    output: { path: plan.output.path },
    rejects: { path: plan.output.rejects },
  });
  let sampled = 0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 50);
  const started = process.hrtime.bigint();
  const summary = await runPipeline({ plan, storage });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (summary.status !== "ok" || !summary.reconciled) throw new Error(`run ${summary.status}: ${summary.reason}`);
  const peakRss = Math.max(sampled, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(
    `${JSON.stringify({ n, seconds, rowsPerSec: n / seconds, peakRssMiB: peakRss / 2 ** 20, written: summary.written, filtered: summary.filtered })}\n`,
  );
}

async function main(): Promise<void> {
  const childArg = process.argv.indexOf("--child");
  if (childArg >= 0) return child(Number(process.argv[childArg + 1]));
  const sizesArg = process.argv.indexOf("--sizes");
  const sizes = (sizesArg >= 0 ? String(process.argv[sizesArg + 1]) : "100000,1000000").split(",").map(Number);
  mkdirSync(tmp, { recursive: true });
  const results: { n: number; seconds: number; rowsPerSec: number; peakRssMiB: number }[] = [];
  for (const n of sizes) {
    const args = [`--max-old-space-size=${HEAP_MIB}`, ...process.execArgv, fileURLToPath(import.meta.url), "--child", String(n)];
    const out = execFileSync(process.execPath, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 15 * 60_000,
    });
    const r = JSON.parse(out.trim().split("\n").pop() as string);
    results.push(r);
    console.log(
      `${String(n).padStart(9)} rows  ${r.seconds.toFixed(1).padStart(6)} s  ${Math.round(r.rowsPerSec).toLocaleString("en").padStart(8)} rows/s  peak RSS ${r.peakRssMiB.toFixed(0).padStart(5)} MiB`,
    );
  }
  const first = results[0];
  const last = results[results.length - 1];
  if (first && last && last !== first) {
    console.log(
      `\nrows ×${(last.n / first.n).toFixed(0)} → peak RSS ×${(last.peakRssMiB / first.peakRssMiB).toFixed(2)}, throughput ×${(last.rowsPerSec / first.rowsPerSec).toFixed(2)} (flat memory means RSS ratio ≈ 1; every run had a ${HEAP_MIB} MiB heap cap)`,
    );
  }
}

await main();
