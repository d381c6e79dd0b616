/**
 * Near-dedup benchmark: quality/near-dedup through the real runner (compiled YAML step, flow
 * control, run summary) over generated short rows with planted near-duplicates, one child process
 * per size so each peak RSS is its own. Prints rows/s, peak RSS, and precision/recall of the
 * dropped rows against exact Jaccard at the threshold.
 *
 *   pnpm bench:dedup -- [--sizes 100000,1000000] [--threshold 0.8] [--shingle word|char]
 *        [--brute 3000 | --brute 0] [--sample]
 *
 * Rows: 12–40 words drawn uniformly from 40k pronounceable words, in sentences with capitals and
 * commas. A share (--dup-share, default 0.3) are edited copies of an earlier row's cluster base:
 * 0–4 random word edits (substitute, delete, insert) and a change of case or punctuation, so
 * copies fall on both sides of the threshold.
 *
 * Truth: a row is a duplicate when its shingle set has exact Jaccard ≥ threshold with an earlier
 * kept row (the operator's definition), computed within each planted cluster (unrelated random
 * rows share no word 3-gram). The --brute size checks that shortcut against all pairs.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compilePipeline,
  OperatorRegistry,
  type RejectSink,
  type RowRecord,
  type RowSink,
  type RowSource,
  runPipeline,
  type SourceItem,
  type Storage,
} from "@dataflow/core";
import { register as registerQuality } from "@dataflow/operators-quality";
import { fmt, RESULT_MARK, runResultChild } from "./child-result.ts";

const MIB = 2 ** 20;
const TARGET_RSS_MIB_AT_1M = 1536;

// ---------- deterministic data ----------

function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function seededRandom(seed: number): () => number {
  let state = mix32(seed ^ 0x5eed);
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 2 ** 32;
  };
}

const SYLLABLES = [..."bcdfghjklmnprstvwz"].flatMap((c) => [..."aeiou"].map((v) => c + v));
const VOCAB = Array.from({ length: 40_000 }, (_, r) => {
  let word = "";
  for (let code = r + 1; code > 0; code = Math.floor(code / SYLLABLES.length)) {
    word += SYLLABLES[code % SYLLABLES.length];
  }
  return word.length < 4 ? `${word}n` : word;
});

function pick(random: () => number): string {
  return VOCAB[Math.floor(random() * VOCAB.length)] as string;
}

/** The words of cluster `root`'s base text. */
function baseWords(root: number): string[] {
  const random = seededRandom(root);
  return Array.from({ length: 12 + Math.floor(random() * 29) }, () => pick(random));
}

function edit(words: string[], random: () => number): string[] {
  const out = [...words];
  const edits = Math.floor(random() * 5);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.5) out[at] = pick(random);
    else if (kind < 0.75 && out.length > 6) out.splice(at, 1);
    else out.splice(at, 0, pick(random));
  }
  return out;
}

function render(words: string[], random: () => number): string {
  const shout = random() < 0.2;
  return `${words
    .map((w, i) => {
      const cased = shout ? w.toUpperCase() : i === 0 ? w[0]?.toUpperCase() + w.slice(1) : w;
      return random() < 0.08 ? `${cased},` : cased;
    })
    .join(" ")}.`;
}

/** Row i's cluster root (itself, or the root of an earlier row it copies) and its words. */
class PlantedRows {
  readonly roots: Int32Array;

  constructor(
    readonly size: number,
    readonly dupShare: number,
  ) {
    this.roots = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const random = seededRandom(i ^ 0x7a11);
      this.roots[i] = i > 0 && random() < dupShare ? (this.roots[Math.floor(random() * i)] as number) : i;
    }
  }

  words(i: number): string[] {
    const root = this.roots[i] as number;
    return root === i ? baseWords(i) : edit(baseWords(root), seededRandom(i ^ 0xed17));
  }

  text(i: number): string {
    return render(this.words(i), seededRandom(i ^ 0x7e47));
  }
}

// ---------- exact truth ----------

function shingleSet(text: string, unit: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const set = new Set<string>();
  if (unit === "char") {
    const s = words.join(" ");
    for (let i = 0; i + 5 <= Math.max(s.length, 5); i++) set.add(s.slice(i, i + 5));
  } else {
    const n = Math.min(3, words.length);
    for (let i = 0; i + n <= words.length; i++) set.add(words.slice(i, i + n).join(" "));
  }
  return set;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Greedy in input order over `members`: the duplicates among them. */
function greedyDuplicates(members: Iterable<number>, text: (i: number) => string, t: number, unit: string) {
  const kept: Set<string>[] = [];
  const duplicates: number[] = [];
  for (const i of members) {
    const s = shingleSet(text(i), unit);
    if (kept.some((k) => jaccard(s, k) >= t)) duplicates.push(i);
    else kept.push(s);
  }
  return duplicates;
}

/** Truth within each planted cluster (members grouped by a counting sort on the roots). */
function clusterTruth(rows: PlantedRows, t: number, unit: string): Uint8Array {
  const n = rows.size;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const at = (rows.roots[i] as number) + 1;
    start[at] = (start[at] as number) + 1;
  }
  for (let r = 0; r < n; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, n);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const root = rows.roots[i] as number;
    const at = fill[root] as number;
    members[at] = i;
    fill[root] = at + 1;
  }
  const truth = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const from = start[r] as number;
    const to = start[r + 1] as number;
    if (to - from < 2) continue;
    for (const d of greedyDuplicates(members.subarray(from, to), (i) => rows.text(i), t, unit)) truth[d] = 1;
  }
  return truth;
}

function precisionRecall(dropped: Uint8Array, truth: Uint8Array) {
  let found = 0;
  let real = 0;
  let both = 0;
  for (let i = 0; i < dropped.length; i++) {
    found += dropped[i] as number;
    real += truth[i] as number;
    both += (dropped[i] as number) & (truth[i] as number);
  }
  return { found, real, precision: both / Math.max(found, 1), recall: both / Math.max(real, 1) };
}

// ---------- child: one run through the runner ----------

/** Generated rows in, kept row indices marked; nothing is held but the marks. */
function benchStorage(rows: PlantedRows, kept: Uint8Array): Storage {
  const source: RowSource = {
    description: "generated rows",
    async *read(): AsyncIterable<SourceItem> {
      for (let i = 0; i < rows.size; i++) yield { kind: "row", id: String(i), row: { text: rows.text(i) } };
    },
  };
  const sink: RowSink = {
    description: "counting sink",
    write: (record: RowRecord) => {
      kept[Number(record.id)] = 1;
    },
    commit: async () => {},
    abort: async () => {},
  };
  const rejects: RejectSink = { description: "rejects", write: () => {}, close: async () => {} };
  return { openSource: () => source, openSink: async () => sink, openRejects: async () => rejects };
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

interface Result {
  size: number;
  seconds: number;
  cpuSeconds: number;
  generateSeconds: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  dropped: number;
  clusters: number;
  largestCluster: number;
  precision: number;
  recall: number;
  truth: number;
  bruteCheck?: { precision: number; recall: number; agree: boolean };
  load: number;
}

async function runChild(size: number, threshold: number, shingle: string, dupShare: number): Promise<Result> {
  const rows = new PlantedRows(size, dupShare);
  const g0 = performance.now();
  for (let i = 0; i < size; i++) rows.text(i);
  const generateSeconds = (performance.now() - g0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRssMiB = process.memoryUsage.rss() / MIB;

  const registry = new OperatorRegistry();
  registerQuality(registry);
  const yaml = `name: near-dedup-bench
source: { path: rows.jsonl, columns: [text] }
output: { path: out.jsonl }
steps:
  - id: near-dedup
    op: quality/near-dedup
    params: { threshold: ${threshold}, shingle: ${shingle} }
`;
  const { plan, diagnostics } = await compilePipeline(yaml, join(process.cwd(), "bench.yaml"), {
    registry,
    env: {},
  });
  if (!plan) throw new Error(`bench pipeline did not compile: ${JSON.stringify(diagnostics)}`);
  const kept = new Uint8Array(size);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runPipeline({ plan, storage: benchStorage(rows, kept) });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peak = peakRssMiB();
  if (summary.status !== "ok" || !summary.reconciled)
    throw new Error(`run ${summary.status}: ${summary.reason}`);
  const step = summary.steps[0];
  const clusterSizes = step?.distributions.cluster_size;

  const dropped = kept.map((k) => 1 - k);
  const truth = clusterTruth(rows, threshold, shingle);
  const pr = precisionRecall(dropped, truth);
  return {
    size,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    generateSeconds,
    peakRssMiB: peak,
    baselineRssMiB,
    dropped: pr.found,
    clusters: step?.counters.clusters ?? 0,
    largestCluster: clusterSizes?.max ?? 0,
    precision: pr.precision,
    recall: pr.recall,
    truth: pr.real,
    bruteCheck: size <= 5000 ? bruteCheck(rows, dropped, truth, threshold, shingle) : undefined,
    load: loadavg()[0] ?? 0,
  };
}

/** All-pairs truth for a small size: does the within-cluster truth miss any cross-cluster pair? */
function bruteCheck(
  rows: PlantedRows,
  dropped: Uint8Array,
  clusterOnly: Uint8Array,
  t: number,
  unit: string,
) {
  const truth = new Uint8Array(rows.size);
  const all = Array.from({ length: rows.size }, (_, i) => i);
  for (const d of greedyDuplicates(all, (i) => rows.text(i), t, unit)) truth[d] = 1;
  const pr = precisionRecall(dropped, truth);
  return { precision: pr.precision, recall: pr.recall, agree: truth.every((v, i) => v === clusterOnly[i]) };
}

// ---------- parent ----------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function printTable(results: Result[]): void {
  const header = [
    "rows",
    "wall s",
    "rows/s",
    "CPU s",
    "gen s",
    "rows/s excl. gen",
    "dropped",
    "clusters",
    "largest",
    "precision",
    "recall",
    "peak RSS MiB",
    "start RSS MiB",
    "load",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const r of results) {
    const row = [
      fmt(r.size),
      fmt(r.seconds, 1),
      fmt(r.size / r.seconds),
      fmt(r.cpuSeconds, 1),
      fmt(r.generateSeconds, 1),
      fmt(r.size / Math.max(r.seconds - r.generateSeconds, 1e-9)),
      fmt(r.dropped),
      fmt(r.clusters),
      fmt(r.largestCluster),
      fmt(r.precision, 4),
      fmt(r.recall, 4),
      fmt(r.peakRssMiB),
      fmt(r.baselineRssMiB),
      fmt(r.load, 1),
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
  for (const r of results) {
    if (!r.bruteCheck) continue;
    const b = r.bruteCheck;
    console.log(
      `\nall-pairs check at ${fmt(r.size)} rows: precision ${fmt(b.precision, 4)}, recall ${fmt(b.recall, 4)}; ` +
        `within-cluster truth ${b.agree ? "equals" : "DIFFERS FROM"} the all-pairs truth`,
    );
  }
  const at1m = results.find((r) => r.size === 1_000_000);
  if (at1m) {
    const ok = at1m.peakRssMiB <= TARGET_RSS_MIB_AT_1M;
    console.log(
      `\n1M peak RSS ${fmt(at1m.peakRssMiB)} MiB vs target ≤ ${fmt(TARGET_RSS_MIB_AT_1M)}: ${ok ? "OK" : "MISSED"}`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const threshold = Number(argValue(args, "--threshold") ?? 0.8);
  const shingle = argValue(args, "--shingle") ?? "word";
  const dupShare = Number(argValue(args, "--dup-share") ?? 0.3);
  if (args.includes("--sample")) {
    const rows = new PlantedRows(2000, dupShare);
    for (let i = 0; i < 2000 && i < 40; i++) console.log(`${i} (cluster ${rows.roots[i]}): ${rows.text(i)}`);
    return;
  }
  const child = argValue(args, "--child");
  if (child !== undefined) {
    const result = await runChild(Number(child), threshold, shingle, dupShare);
    console.log(`${RESULT_MARK}${JSON.stringify(result)}`);
    return;
  }
  const brute = Number(argValue(args, "--brute") ?? 3000);
  const sizes = [
    ...(brute > 0 ? [brute] : []),
    ...(argValue(args, "--sizes") ?? "100000,1000000").split(",").map((s) => Number(s.trim())),
  ].filter((n) => Number.isInteger(n) && n > 0);
  console.log(
    `near-dedup benchmark: Node ${process.version}, threshold ${threshold}, ${shingle} shingles, ` +
      `${dupShare * 100}% planted copies; one child process per size, through runPipeline.\n`,
  );
  const results: Result[] = [];
  for (const size of sizes) {
    process.stderr.write(`running ${fmt(size)} rows...\n`);
    const self = fileURLToPath(import.meta.url);
    const r = runResultChild<Result>([
      ...process.execArgv,
      "--expose-gc",
      self,
      "--child",
      String(size),
      "--threshold",
      String(threshold),
      "--shingle",
      shingle,
      "--dup-share",
      String(dupShare),
    ]);
    if (r) results.push(r);
  }
  printTable(results);
}

await main();
