/**
 * The engine table (`pnpm bench:bm25 -- --engines`): index time, mining queries/s and peak RSS of the
 * compact typed-array index at several sizes of the synthetic corpus (bm25-synthetic.ts), and of
 * lunr's own index at a small size beside it. Each measurement runs in its own child process, so its
 * peak RSS (the kernel's VmHWM) is clean.
 *
 *   pnpm bench:bm25 -- --engines [--sizes 10000,100000,1000000]
 *        [--queries N] [--lunr-size 10000 | --no-lunr] [--query-seconds 60] [--query-words 12] [--sample]
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { CompactBm25Builder, defaultAnalyzer, LunrBm25Engine } from "@dataflow/retrieval";
import { makeQueries, passage, type Query } from "./bm25-synthetic.ts";
import { fmt, RESULT_MARK, runResultChild } from "./child-result.ts";

const TOP_K = 10;
// Words per query (half from the positive passage); --query-words overrides it in every process.
const QUERY_WORDS = Number(argValue(process.argv, "--query-words") ?? 12);
const MIB = 1024 * 1024;
const TARGETS = { qpsAt100k: 1500, rssMiBAt100k: 500, rssMiBAt1M: 3 * 1024 };

// ---------- measurement helpers (child side) ----------

function peakRssMiB(sampledPeak: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m?.[1]) return Number(m[1]) / 1024;
  } catch {
    // Not Linux: fall back to the sampled peak.
  }
  return sampledPeak / MIB;
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

interface QueryStats {
  queries: number;
  qps: number;
  /** Queries per second of this process's own CPU time: robust when other processes share the cores. */
  qpsCpu: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  hits: number;
}

function timeQueries(
  search: (q: Query) => { docId: number }[],
  queries: Query[],
  warmup: number,
  budgetSeconds: number,
): QueryStats {
  for (const q of queries.slice(0, warmup)) search(q);
  const timed = queries.slice(warmup);
  const latencies = new Float64Array(timed.length);
  let done = 0;
  let hits = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (const q of timed) {
    const t0 = performance.now();
    const result = search(q);
    latencies[done++] = performance.now() - t0;
    hits += result.length;
    if (result.some((h) => h.docId === q.positive)) throw new Error("exclude callback ignored");
    if (performance.now() - start > budgetSeconds * 1000) break;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const used = latencies.subarray(0, done).sort();
  return {
    queries: done,
    qps: done / wall,
    qpsCpu: done / ((cpu.user + cpu.system) / 1e6),
    meanMs: (wall * 1000) / done,
    p50Ms: percentile(used, 0.5),
    p95Ms: percentile(used, 0.95),
    hits: hits / Math.max(done, 1),
  };
}

interface Result extends QueryStats {
  engine: string;
  size: number;
  terms: number;
  postings: number;
  buildSeconds: number;
  buildCpuSeconds: number;
  /** 1-minute load average when the child finished: >2 means the 2 cores were shared. */
  load: number;
  generateSeconds: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  heapMiB: number;
  arrayBuffersMiB: number;
  note: string;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

function buildCompact(size: number, scoring: "lucene" | "lunr", track: () => void) {
  const builder = new CompactBm25Builder({ scoring, analyzer: defaultAnalyzer() });
  let buildMs = 0;
  let buildCpu = 0;
  let generateMs = 0;
  const batch = 10_000;
  for (let first = 0; first < size; first += batch) {
    const t0 = performance.now();
    const texts = Array.from({ length: Math.min(batch, size - first) }, (_, j) => passage(first + j));
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    for (const text of texts) builder.add(text);
    buildCpu += cpuSeconds(c1);
    const t2 = performance.now();
    generateMs += t1 - t0;
    buildMs += t2 - t1;
    track();
  }
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  const index = builder.build();
  buildCpu += cpuSeconds(c3);
  buildMs += performance.now() - t3;
  track();
  return {
    index,
    buildSeconds: buildMs / 1000,
    buildCpuSeconds: buildCpu,
    generateSeconds: generateMs / 1000,
  };
}

function runChild(engine: string, size: number, queryCount: number, budgetSeconds: number): Result {
  let sampledPeak = process.memoryUsage.rss();
  const track = () => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  };
  const queries = makeQueries(size, queryCount, QUERY_WORDS);
  collect();
  const baselineRssMiB = process.memoryUsage.rss() / MIB;
  const warmup = Math.min(200, Math.floor(queryCount / 10));

  if (engine === "compact") {
    const { index, buildSeconds, buildCpuSeconds, generateSeconds } = buildCompact(size, "lucene", track);
    collect();
    const mem = process.memoryUsage();
    const stats = timeQueries(
      (q) => index.search(q.text, TOP_K, { exclude: (d) => d === q.positive }),
      queries,
      warmup,
      budgetSeconds,
    );
    track();
    return {
      engine,
      size,
      terms: index.termCount,
      postings: index.postingCount,
      buildSeconds,
      buildCpuSeconds,
      load: loadavg()[0] ?? 0,
      generateSeconds,
      peakRssMiB: peakRssMiB(sampledPeak),
      baselineRssMiB,
      heapMiB: mem.heapUsed / MIB,
      arrayBuffersMiB: mem.arrayBuffers / MIB,
      note: `MaxScore pruning skipped posting lists in ${fmt((100 * index.rankStats.prunedQueries) / Math.max(index.rankStats.queries, 1), 1)}% of queries`,
      ...stats,
    };
  }

  // lunr: its own index, fed by the same analyzer, k1 0.9 / b 0.4.
  const texts = Array.from({ length: size }, (_, i) => passage(i));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const lunrEngine = LunrBm25Engine.build(texts, { k1: 0.9, b: 0.4 });
  const buildCpuSeconds = cpuSeconds(c0);
  const buildSeconds = (performance.now() - t0) / 1000;
  track();
  collect();
  const mem = process.memoryUsage();
  const lunrQueries = queries.slice(0, Math.min(queries.length, 600));
  const stats = timeQueries(
    (q) => lunrEngine.search(q.text, TOP_K, { exclude: (d) => d === q.positive }),
    lunrQueries,
    Math.min(50, warmup),
    budgetSeconds,
  );
  track();
  const peak = peakRssMiB(sampledPeak);
  const terms = Object.keys((lunrEngine.index as unknown as { invertedIndex: object }).invertedIndex).length;
  // Cross-check after the peak was read: the compact index with lunr scoring must rank identically.
  const { index } = buildCompact(size, "lunr", () => {});
  let same = 0;
  const checked = lunrQueries.slice(0, 300);
  for (const q of checked) {
    const exclude = (d: number) => d === q.positive;
    const a = lunrEngine.search(q.text, TOP_K, { exclude }).map((h) => h.docId);
    const b = index.search(q.text, TOP_K, { exclude }).map((h) => h.docId);
    if (a.length === b.length && a.every((d, i) => d === b[i])) same++;
  }
  return {
    engine,
    size,
    terms,
    postings: index.postingCount,
    buildSeconds,
    buildCpuSeconds,
    load: loadavg()[0] ?? 0,
    generateSeconds: 0,
    peakRssMiB: peak,
    baselineRssMiB,
    heapMiB: mem.heapUsed / MIB,
    arrayBuffersMiB: mem.arrayBuffers / MIB,
    note: `top-10 identical to compact(lunr scoring) on ${same}/${checked.length} queries`,
    ...stats,
  };
}

// ---------- parent: orchestrate children and print ----------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function defaultQueryCount(size: number): number {
  if (size <= 20_000) return 5_000;
  if (size <= 200_000) return 3_000;
  return 1_200;
}

function spawnMeasurement(engine: string, size: number, queries: number, budget: number): Result | undefined {
  const self = fileURLToPath(new URL("./bm25.bench.ts", import.meta.url));
  const args = [
    ...process.execArgv,
    "--expose-gc",
    self,
    "--engines",
    "--child",
    engine,
    "--size",
    String(size),
    "--queries",
    String(queries),
    "--query-seconds",
    String(budget),
    "--query-words",
    String(QUERY_WORDS),
  ];
  process.stderr.write(`running ${engine} at ${size.toLocaleString("en-US")} passages...\n`);
  return runResultChild<Result>(args);
}

function printTable(results: Result[]): void {
  const header = [
    "engine",
    "passages",
    "terms",
    "postings",
    "build s",
    "build CPU s",
    "docs/s",
    "queries",
    "q/s",
    "q/CPU-s",
    "mean ms",
    "p50 ms",
    "p95 ms",
    "peak RSS MiB",
    "start RSS MiB",
    "heap MiB",
    "typed arrays MiB",
    "load",
  ];
  const rows = results.map((r) => [
    r.engine,
    fmt(r.size),
    fmt(r.terms),
    fmt(r.postings),
    fmt(r.buildSeconds, 1),
    fmt(r.buildCpuSeconds, 1),
    fmt(r.size / r.buildSeconds),
    fmt(r.queries),
    fmt(r.qps),
    fmt(r.qpsCpu),
    fmt(r.meanMs, 3),
    fmt(r.p50Ms, 3),
    fmt(r.p95Ms, 3),
    fmt(r.peakRssMiB),
    fmt(r.baselineRssMiB),
    fmt(r.heapMiB),
    fmt(r.arrayBuffersMiB),
    fmt(r.load, 1),
  ]);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  for (const r of results) if (r.note) console.log(`\n${r.engine} at ${fmt(r.size)}: ${r.note}`);
}

function printTargets(results: Result[]): void {
  console.log("\nTargets (compact engine):");
  const at = (n: number) => results.find((r) => r.engine === "compact" && r.size === n);
  const line = (label: string, value: number, target: number, higherIsBetter: boolean) => {
    const ratio = higherIsBetter ? value / target : target / value;
    const ok = higherIsBetter ? value >= target : value <= target;
    console.log(`  ${label}: ${fmt(value)} vs ${fmt(target)} -> ${fmt(ratio, 2)}x ${ok ? "OK" : "MISSED"}`);
  };
  const r100k = at(100_000);
  if (r100k) {
    line("100k queries/s, wall clock (>=)", r100k.qps, TARGETS.qpsAt100k, true);
    line("100k queries per CPU-second (>=)", r100k.qpsCpu, TARGETS.qpsAt100k, true);
    line("100k peak RSS MiB (<=)", r100k.peakRssMiB, TARGETS.rssMiBAt100k, false);
  } else console.log("  100k: not run");
  const r1m = at(1_000_000);
  if (r1m) line("1M peak RSS MiB (<=)", r1m.peakRssMiB, TARGETS.rssMiBAt1M, false);
  else console.log("  1M: not run (add 1000000 to --sizes)");
  const lunr = results.find((r) => r.engine === "lunr");
  const same = lunr && at(lunr.size);
  if (lunr && same) {
    console.log(
      `  compact vs lunr at ${fmt(lunr.size)}: ${fmt(same.qps / lunr.qps)}x queries/s, ` +
        `${fmt(lunr.buildSeconds / same.buildSeconds, 1)}x faster build, ` +
        `${fmt(lunr.peakRssMiB / same.peakRssMiB, 1)}x less peak RSS`,
    );
  }
}

export function engineTableMain(args: string[]): void {
  const budget = Number(argValue(args, "--query-seconds") ?? 60);
  if (args.includes("--sample")) {
    for (let i = 0; i < 2; i++) console.log(`passage ${i}: ${passage(i)}\n`);
    for (const q of makeQueries(1000, 3, QUERY_WORDS))
      console.log(`query (positive ${q.positive}): ${q.text}`);
    return;
  }
  const childEngine = argValue(args, "--child");
  if (childEngine !== undefined) {
    const size = Number(argValue(args, "--size"));
    const queries = Number(argValue(args, "--queries"));
    console.log(`${RESULT_MARK}${JSON.stringify(runChild(childEngine, size, queries, budget))}`);
    return;
  }
  const sizes = (argValue(args, "--sizes") ?? "10000,100000")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const queryOverride = argValue(args, "--queries");
  const lunrSize = args.includes("--no-lunr") ? 0 : Number(argValue(args, "--lunr-size") ?? 10_000);
  const results: Result[] = [];
  console.log(
    `BM25 benchmark: Node ${process.version}, top-${TOP_K} with an exclude callback, ` +
      `k1 0.9, b 0.4, ${QUERY_WORDS}-word queries; one child process per row. "load" is the 1-minute load average at the end ` +
      `of the row: above the core count, other processes took CPU, and q/CPU-s is the fairer rate.\n`,
  );
  for (const size of sizes) {
    const q = queryOverride ? Number(queryOverride) : defaultQueryCount(size);
    const r = spawnMeasurement("compact", size, q, budget);
    if (r) results.push(r);
  }
  if (lunrSize > 0) {
    const r = spawnMeasurement("lunr", lunrSize, 600, budget);
    if (r) results.push(r);
  }
  printTable(results);
  printTargets(results);
}
