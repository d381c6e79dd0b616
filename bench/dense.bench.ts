/**
 * Dense (flat cosine) index benchmark: build time, peak RSS and top-10 queries/s, for single
 * queries (`search`) and batched ones (`searchMany`, up to 8 queries per pass over the vectors), with
 * the WebAssembly SIMD kernel and the plain JavaScript one.
 *
 *   pnpm bench:dense -- [--sizes 10000,100000] [--dims 384] [--kernels wasm,js]
 *        [--queries N] [--query-seconds 20] [--no-clustered]
 *
 * Each measurement runs in its own child process, so its peak RSS (the kernel's VmHWM) is clean.
 *
 * Vectors, generated deterministically per passage index:
 * - `random`: uniform in [-1, 1]^dims (no structure: every query is far from almost everything);
 * - `clustered`: one of 256 random centres plus noise of about the same norm, so each query has a
 *   few hundred close neighbours, closer to what embeddings of a topical corpus look like.
 * Queries model mining: a positive passage's vector plus noise, top 10 with the positive excluded.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { fmt, RESULT_MARK, runResultChild } from "./child-result.ts";
import { availableParallelism } from "node:os";
import { DenseSearchPool, FlatCosineIndex } from "@dataflow/retrieval";

const SEED = 0xd15e;
const TOP_K = 10;
const CLUSTERS = 256;
const MIB = 1024 * 1024;
const BATCH = 64;

// ---------- deterministic vectors ----------

function mix32(value: number): number {
  let z = value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Weyl sequence through MurmurHash3's finaliser; uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 2 ** 32;
  };
}

type Layout = "random" | "clustered";

function makeCentres(dims: number): Float32Array[] {
  const random = seededRandom(SEED ^ 0xc3);
  return Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
}

/** Writes passage `i`'s vector into `out`. */
function passageVector(i: number, layout: Layout, centres: Float32Array[], out: Float32Array): void {
  const random = seededRandom(mix32(i ^ SEED) ^ i);
  if (layout === "random") {
    for (let j = 0; j < out.length; j++) out[j] = random() * 2 - 1;
    return;
  }
  const centre = centres[Math.floor(random() * CLUSTERS)] as Float32Array;
  for (let j = 0; j < out.length; j++) out[j] = (centre[j] as number) + (random() * 2 - 1) * 0.9;
}

interface Query {
  readonly vector: Float32Array;
  readonly positive: number;
}

function makeQueries(
  size: number,
  count: number,
  layout: Layout,
  dims: number,
  centres: Float32Array[],
): Query[] {
  const random = seededRandom(SEED ^ 0x51);
  return Array.from({ length: count }, () => {
    const positive = Math.floor(random() * size);
    const vector = new Float32Array(dims);
    passageVector(positive, layout, centres, vector);
    for (let j = 0; j < dims; j++) vector[j] = (vector[j] as number) + (random() * 2 - 1) * 0.5;
    return { vector, positive };
  });
}

// ---------- measurement (child side) ----------

function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m?.[1]) return Number(m[1]) / 1024;
  } catch {
    // Not Linux: fall back to the current RSS.
  }
  return process.memoryUsage.rss() / MIB;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

interface Rate {
  queries: number;
  qps: number;
  /** Queries per second of this process's own CPU time: robust when other processes share the cores. */
  qpsCpu: number;
}

/** Runs `run` over batches of queries until all are done or the budget is spent. */
function timeBatches(
  queries: Query[],
  batch: number,
  budgetSeconds: number,
  run: (qs: Query[]) => void,
): Rate {
  run(queries.slice(0, Math.min(batch, 16))); // warm-up
  let done = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let first = 0; first < queries.length; first += batch) {
    const qs = queries.slice(first, first + batch);
    run(qs);
    done += qs.length;
    if (performance.now() - start > budgetSeconds * 1000) break;
  }
  const wall = (performance.now() - start) / 1000;
  return { queries: done, qps: done / wall, qpsCpu: done / cpuSeconds(cpu0) };
}

interface Result {
  kernel: string;
  layout: Layout;
  size: number;
  dims: number;
  buildSeconds: number;
  generateSeconds: number;
  single: Rate;
  many: Rate;
  /** searchMany on a DenseSearchPool of every core (top k + 1, the positive dropped after). */
  threads: Rate & { size: number };
  /** searchMany answers equal search answers on the checked queries. */
  sameAnswers: string;
  peakRssMiB: number;
  baselineRssMiB: number;
  vectorMiB: number;
  load: number;
}

/** timeBatches for the pool: batches go to the threads one after another, wall-clock rate. */
async function timePool(
  queries: Query[],
  budget: number,
  pool: DenseSearchPool,
): Promise<Rate & { size: number }> {
  const run = (qs: Query[]) =>
    pool.searchMany(
      qs.map((q) => q.vector),
      TOP_K + 1,
    );
  await run(queries.slice(0, 16));
  let done = 0;
  const start = performance.now();
  for (let first = 0; first < queries.length; first += BATCH * pool.size) {
    const qs = queries.slice(first, first + BATCH * pool.size);
    await run(qs);
    done += qs.length;
    if (performance.now() - start > budget * 1000) break;
  }
  const qps = done / ((performance.now() - start) / 1000);
  return { queries: done, qps, qpsCpu: Number.NaN, size: pool.size };
}

async function runChild(
  kernel: "wasm" | "js",
  layout: Layout,
  size: number,
  dims: number,
  queryCount: number,
  budget: number,
): Result {
  const centres = makeCentres(dims);
  const queries = makeQueries(size, queryCount, layout, dims, centres);
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRssMiB = process.memoryUsage.rss() / MIB;
  const index = new FlatCosineIndex(dims, { kernel });
  const row = new Float32Array(dims);
  let generateMs = 0;
  let buildMs = 0;
  for (let i = 0; i < size; i++) {
    const t0 = performance.now();
    passageVector(i, layout, centres, row);
    const t1 = performance.now();
    index.add(row);
    buildMs += performance.now() - t1;
    generateMs += t1 - t0;
  }
  const exclude = (qs: Query[]) => (docId: number, q: number) => docId === qs[q]?.positive;
  const single = timeBatches(queries, 1, budget, (qs) => {
    for (const q of qs) index.search(q.vector, TOP_K, { exclude: (d) => d === q.positive });
  });
  const many = timeBatches(queries, BATCH, budget, (qs) => {
    index.searchMany(
      qs.map((q) => q.vector),
      TOP_K,
      { exclude: exclude(qs) },
    );
  });
  const pool = new DenseSearchPool(index, availableParallelism());
  const threads = await timePool(queries, budget, pool);
  await pool.close();
  const checked = queries.slice(0, 24);
  const batched = index.searchMany(
    checked.map((q) => q.vector),
    TOP_K,
    { exclude: exclude(checked) },
  );
  let same = 0;
  for (const [i, q] of checked.entries()) {
    const one = index.search(q.vector, TOP_K, { exclude: (d) => d === q.positive });
    if (JSON.stringify(one) === JSON.stringify(batched[i])) same++;
  }
  return {
    kernel,
    layout,
    size,
    dims,
    buildSeconds: buildMs / 1000,
    generateSeconds: generateMs / 1000,
    single,
    many,
    threads,
    sameAnswers: `${same}/${checked.length}`,
    peakRssMiB: peakRssMiB(),
    baselineRssMiB,
    vectorMiB: (size * Math.ceil(dims / 4) * 4 * 4) / MIB,
    load: loadavg()[0] ?? 0,
  };
}

// ---------- parent: orchestrate children and print ----------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function defaultQueryCount(size: number, kernel: string): number {
  if (kernel === "js") return size <= 20_000 ? 400 : 120;
  return size <= 20_000 ? 2_000 : size <= 200_000 ? 600 : 160;
}

function spawnMeasurement(
  kernel: string,
  layout: Layout,
  size: number,
  dims: number,
  queries: number,
  budget: number,
): Result | undefined {
  const self = fileURLToPath(import.meta.url);
  const args = [
    ...process.execArgv,
    "--expose-gc",
    self,
    "--child",
    kernel,
    "--layout",
    layout,
    "--size",
    String(size),
    "--dims",
    String(dims),
    "--queries",
    String(queries),
    "--query-seconds",
    String(budget),
  ];
  process.stderr.write(`running ${kernel} ${layout} at ${size.toLocaleString("en-US")} × ${dims}...\n`);
  return runResultChild<Result>(args);
}

function printTable(results: Result[]): void {
  const header = [
    "kernel",
    "vectors",
    "passages",
    "dims",
    "build s",
    "vectors/s",
    "search q/s",
    "q/CPU-s",
    "searchMany q/s",
    "q/CPU-s",
    "many/single",
    "threads q/s",
    "threads/many",
    "same",
    "peak RSS MiB",
    "start RSS MiB",
    "vector MiB",
    "load",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const r of results) {
    const row = [
      r.kernel,
      r.layout,
      fmt(r.size),
      fmt(r.dims),
      fmt(r.buildSeconds, 2),
      fmt(r.size / r.buildSeconds),
      fmt(r.single.qps, 1),
      fmt(r.single.qpsCpu, 1),
      fmt(r.many.qps, 1),
      fmt(r.many.qpsCpu, 1),
      `${fmt(r.many.qpsCpu / r.single.qpsCpu, 1)}x`,
      `${fmt(r.threads.qps, 1)} (${r.threads.size})`,
      `${fmt(r.threads.qps / r.many.qps, 2)}x`,
      r.sameAnswers,
      fmt(r.peakRssMiB),
      fmt(r.baselineRssMiB),
      fmt(r.vectorMiB),
      fmt(r.load, 1),
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
}

function printRatios(results: Result[]): void {
  console.log("\nRatios (per CPU-second, so other processes on the cores count less):");
  for (const r of results.filter((x) => x.kernel === "wasm")) {
    const js = results.find((x) => x.kernel === "js" && x.layout === r.layout && x.size === r.size);
    if (js) {
      console.log(
        `  ${r.layout} ${fmt(r.size)}: wasm/js ${fmt(r.single.qpsCpu / js.single.qpsCpu, 1)}x single, ` +
          `${fmt(r.many.qpsCpu / js.many.qpsCpu, 1)}x searchMany; wasm searchMany / js search ${fmt(r.many.qpsCpu / js.single.qpsCpu, 1)}x`,
      );
    }
  }
  const sizes = [...new Set(results.map((r) => r.size))].sort((a, b) => a - b);
  for (let i = 1; i < sizes.length; i++) {
    const small = results.filter((r) => r.size === sizes[0]);
    for (const big of results.filter((r) => r.size === sizes[i])) {
      const s = small.find((r) => r.kernel === big.kernel && r.layout === big.layout);
      if (!s) continue;
      console.log(
        `  ${big.kernel} ${big.layout}: ${fmt(big.size)} vs ${fmt(s.size)} passages (${fmt(big.size / s.size)}x): ` +
          `search ${fmt(s.single.qpsCpu / big.single.qpsCpu, 1)}x slower, searchMany ${fmt(s.many.qpsCpu / big.many.qpsCpu, 1)}x slower, ` +
          `peak RSS +${fmt(big.peakRssMiB - big.baselineRssMiB)} vs +${fmt(s.peakRssMiB - s.baselineRssMiB)} MiB`,
      );
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const budget = Number(argValue(args, "--query-seconds") ?? 20);
  const dims = Number(argValue(args, "--dims") ?? 384);
  const childKernel = argValue(args, "--child");
  if (childKernel !== undefined) {
    const size = Number(argValue(args, "--size"));
    const queries = Number(argValue(args, "--queries"));
    const layout = argValue(args, "--layout") as Layout;
    console.log(
      `${RESULT_MARK}${JSON.stringify(await runChild(childKernel as "wasm" | "js", layout, size, dims, queries, budget))}`,
    );
    return;
  }
  const sizes = (argValue(args, "--sizes") ?? "10000,100000")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const kernels = (argValue(args, "--kernels") ?? "wasm,js").split(",").map((k) => k.trim());
  const layouts: Layout[] = args.includes("--no-clustered") ? ["random"] : ["random", "clustered"];
  const queryOverride = argValue(args, "--queries");
  console.log(
    `Dense benchmark: Node ${process.version}, top-${TOP_K} cosine with an exclude callback, ${dims} dims; ` +
      `searchMany in batches of ${BATCH} (8 queries per pass); one child process per row, at most ${budget} s of ` +
      `queries per mode. "load" is the 1-minute load average at the end of the row: above the core count, ` +
      `other processes took CPU, and q/CPU-s is the fairer rate.\n`,
  );
  const results: Result[] = [];
  for (const size of sizes) {
    for (const layout of layouts) {
      for (const kernel of kernels) {
        // The JS kernel only as the baseline on random vectors (its speed does not depend on layout).
        if (kernel === "js" && layout === "clustered") continue;
        const q = queryOverride ? Number(queryOverride) : defaultQueryCount(size, kernel);
        const r = spawnMeasurement(kernel, layout, size, dims, q, budget);
        if (r) results.push(r);
      }
    }
  }
  printTable(results);
  printRatios(results);
}

await main();
