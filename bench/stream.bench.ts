/**
 * Streaming benchmark: one template step over N JSONL rows, from JSONL to JSONL, beside its floor —
 * a plain Node loop (readline → JSON.parse → add field → JSON.stringify → write) over the same file.
 * Each measurement runs in its own child process (fresh heap, its own peak RSS), with V8's heap
 * left at its default: memory is bounded by the pipeline's flow control, not by a cap.
 *
 *   pnpm bench:stream                          # 100k and 1M rows
 *   pnpm bench:stream -- --sizes 10000,100000  # other sizes
 *   pnpm bench:stream -- --repeat 3            # best of 3 per case
 *
 * Targets (issue 12): dataflow ≥ 0.5× the plain loop's speed at 1M rows, peak RSS ≤ 200 MiB and flat
 * in N. Timings on a shared machine vary; compare ratios taken in one run.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compilePipeline, OperatorRegistry, registerCoreOperators, runPipeline } from "@dataflow/core";
import { FileStorage } from "@dataflow/storage";
import { fmt, RESULT_MARK, runResultChild } from "./child-result.ts";

const tmp = fileURLToPath(new URL(".tmp/stream", import.meta.url));
const TEMPLATE = "Topic {{topic}}: {{text}} (#{{n}})";
const TARGET = { ratio: 0.5, rssMiB: 200 };
const MIB = 2 ** 20;

const PIPELINE = `name: stream-bench
source: { path: in.jsonl }
output: { path: out.jsonl }
steps:
  - id: render
    op: core/template
    outputs: { output: prompt }
    params: { template: ${JSON.stringify(TEMPLATE)} }
`;

interface Result {
  n: number;
  seconds: number;
  peakRssMiB: number;
  written: number;
}

async function writeInput(path: string, n: number): Promise<void> {
  if (existsSync(path) && statSync(path).size > 0) return;
  const out = createWriteStream(path);
  const words = [
    "river",
    "stone",
    "bread",
    "signal",
    "orbit",
    "garden",
    "copper",
    "lantern",
    "harbour",
    "meadow",
  ];
  for (let i = 0; i < n; i++) {
    const text = Array.from({ length: 12 + (i % 9) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(
      " ",
    );
    const line = `${JSON.stringify({ n: i, topic: words[i % words.length], text })}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** The floor: what a person would write by hand for the same transformation. */
async function plainLoop(input: string, output: string): Promise<number> {
  const out = createWriteStream(output);
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Number.POSITIVE_INFINITY });
  let written = 0;
  for await (const line of lines) {
    const row = JSON.parse(line) as { n: number; topic: string; text: string };
    row.prompt = `Topic ${row.topic}: ${row.text} (#${row.n})`;
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, "drain");
    written++;
  }
  out.end();
  await once(out, "finish");
  return written;
}

async function dataflow(dir: string): Promise<number> {
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
  const summary = await runPipeline({ plan, storage });
  if (summary.status !== "ok" || !summary.reconciled)
    throw new Error(`run ${summary.status}: ${summary.reason}`);
  return summary.written;
}

/** Child: one case over `n` rows; prints its measurements after RESULT_MARK. */
async function child(kind: "plain" | "dataflow", n: number): Promise<void> {
  const dir = join(tmp, String(n));
  const input = join(dir, "in.jsonl");
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  const written = kind === "plain" ? await plainLoop(input, join(dir, "plain.jsonl")) : await dataflow(dir);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (written !== n) throw new Error(`${kind} wrote ${written} of ${n} rows`);
  const peakRssMiB = Math.max(peak, process.resourceUsage().maxRSS * 1024) / MIB;
  process.stdout.write(
    `${RESULT_MARK}${JSON.stringify({ n, seconds, peakRssMiB, written } satisfies Result)}\n`,
  );
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The fastest of `repeat` runs, and the highest peak RSS among them. */
function measure(kind: string, n: number, repeat: number): Result | undefined {
  const runs: Result[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = runResultChild<Result>([
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      "--child",
      kind,
      String(n),
    ]);
    if (!r) return undefined;
    runs.push(r);
  }
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...best, peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)) };
}

async function main(): Promise<void> {
  const kind = argValue("--child");
  if (kind === "plain" || kind === "dataflow")
    return child(kind, Number(process.argv[process.argv.indexOf("--child") + 2]));
  const sizes = (argValue("--sizes") ?? "100000,1000000").split(",").map(Number);
  const repeat = Math.max(1, Number(argValue("--repeat") ?? 1));
  console.log(
    `stream bench: 1 template step, JSONL → JSONL; load average ${loadavg()[0]?.toFixed(2)}; best of ${repeat}`,
  );
  console.log(
    `targets: dataflow ≥ ${TARGET.ratio}× the plain loop, peak RSS ≤ ${TARGET.rssMiB} MiB, flat in N\n`,
  );
  const rss: number[] = [];
  for (const n of sizes) {
    mkdirSync(join(tmp, String(n)), { recursive: true });
    await writeInput(join(tmp, String(n), "in.jsonl"), n);
    const plain = measure("plain", n, repeat);
    const df = measure("dataflow", n, repeat);
    if (!plain || !df) {
      process.exitCode = 1;
      continue;
    }
    rss.push(df.peakRssMiB);
    const ratio = plain.seconds / df.seconds;
    const line = (name: string, r: Result) =>
      `  ${name.padEnd(9)} ${r.seconds.toFixed(2).padStart(6)} s  ${fmt(n / r.seconds).padStart(9)} rows/s  peak RSS ${r.peakRssMiB.toFixed(0).padStart(4)} MiB`;
    console.log(`${fmt(n)} rows`);
    console.log(line("plain", plain));
    console.log(line("dataflow", df));
    console.log(
      `  ratio ${ratio.toFixed(2)}× (floor ${TARGET.ratio}×: ${ratio >= TARGET.ratio ? "met" : "NOT met"}), ` +
        `peak RSS ${df.peakRssMiB.toFixed(0)} MiB (limit ${TARGET.rssMiB}: ${df.peakRssMiB <= TARGET.rssMiB ? "met" : "NOT met"})\n`,
    );
  }
  if (rss.length > 1) {
    const [first, last] = [rss[0] as number, rss[rss.length - 1] as number];
    console.log(
      `dataflow peak RSS from ${fmt(sizes[0] ?? 0)} to ${fmt(sizes[sizes.length - 1] ?? 0)} rows: ×${(last / first).toFixed(2)} (flat ≈ 1)`,
    );
  }
}

await main();
