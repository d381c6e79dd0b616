/**
 * The measurements behind `pnpm bench:bm25`, each run in a child process of its own so that its peak
 * RSS (VmHWM) is its own:
 * - `floor`: FloorBm25 (bm25-floor.ts) over N real-text rows: index, then one query per row for the
 *   top numNeg other than the row itself. No overlap rule.
 * - `dataflow`: `rare/bm25-hard-neg` over the same rows through runOperator: index, then mining for
 *   every row (overlap rule, duplicates, skipTop, counters: everything the step does).
 * - `qps`: `rare/bm25-hard-neg` with `corpus:` a JSONL file of M synthetic passages
 *   (bm25-synthetic.ts), mining Q rows; queries/s counts only the mining, after the index is built.
 * Questions have 12 words like RARE's: "How does a b c relate to d e when f g?", seven of the words
 * drawn from a 30-word window of the positive.
 */
import { createWriteStream, existsSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RowRecord } from "@dataflow/core";
import { runOperator } from "@dataflow/core/testing";
import { Bm25HardNegOperator } from "@dataflow/operators-rare";
import { FloorBm25 } from "./bm25-floor.ts";
import { readPassages, realTextCorpus } from "./bm25-real-text.ts";
import { mix32, passage, seededRandom } from "./bm25-synthetic.ts";

export const NUM_NEG = 3;

export interface MiningResult {
  kind: string;
  rows: number;
  corpus: number;
  seconds: number;
  indexSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  queriesPerSecond: number;
  negatives: number;
  counters: Record<string, number>;
}

/** A 12-word question whose content words come from `text`. */
export function questionFor(text: string, seed: number): string {
  const random = seededRandom(mix32(seed));
  const words = text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? ["nothing"];
  const start = Math.floor(random() * Math.max(1, words.length - 30));
  const pick = () => (words[start + Math.floor(random() * Math.min(30, words.length))] ?? "it").toLowerCase();
  const w = Array.from({ length: 7 }, pick);
  return `How does ${w[0]} ${w[1]} ${w[2]} relate to ${w[3]} ${w[4]} when ${w[5]} ${w[6]}?`;
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : process.memoryUsage.rss() / 1024 / 1024;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

async function realRows(repoRoot: string, n: number): Promise<RowRecord[]> {
  const passages = readPassages(await realTextCorpus(repoRoot, n));
  return passages.map((p, i) => ({ id: p.id, row: { text: p.text, question: questionFor(p.text, i) } }));
}

/** Marks when prepare() (the index build) ended, so mining can be timed alone. */
class TimedBm25HardNeg extends Bm25HardNegOperator {
  static preparedAt = 0;
  override async prepare(...args: Parameters<Bm25HardNegOperator["prepare"]>): Promise<void> {
    await super.prepare(...args);
    TimedBm25HardNeg.preparedAt = performance.now();
  }
}

export async function floorChild(repoRoot: string, n: number): Promise<MiningResult> {
  const rows = await realRows(repoRoot, n);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const floor = new FloorBm25(rows.map((r) => r.row.text as string));
  const t1 = performance.now();
  let negatives = 0;
  rows.forEach((r, i) => {
    negatives += floor.search(r.row.question as string, NUM_NEG, i).length;
  });
  const t2 = performance.now();
  return {
    kind: "floor",
    rows: n,
    corpus: n,
    seconds: (t2 - t0) / 1000,
    indexSeconds: (t1 - t0) / 1000,
    cpuSeconds: cpuSince(cpu),
    peakRssMiB: peakRssMiB(),
    queriesPerSecond: n / ((t2 - t1) / 1000),
    negatives,
    counters: {},
  };
}

export async function dataflowChild(repoRoot: string, n: number): Promise<MiningResult> {
  const rows = await realRows(repoRoot, n);
  return timedMining("dataflow", rows, n, { numNeg: NUM_NEG });
}

/** Runs the step over `rows` and times it: index build (until `prepare` ends) and mining apart. */
async function timedMining(
  kind: MiningResult["kind"],
  rows: RowRecord[],
  corpus: number,
  params: Record<string, unknown>,
): Promise<MiningResult> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await runOperator(TimedBm25HardNeg, rows, { params });
  const t2 = performance.now();
  const t1 = TimedBm25HardNeg.preparedAt;
  return {
    kind,
    rows: rows.length,
    corpus,
    seconds: (t2 - t0) / 1000,
    indexSeconds: (t1 - t0) / 1000,
    cpuSeconds: cpuSince(cpu),
    peakRssMiB: peakRssMiB(),
    queriesPerSecond: rows.length / ((t2 - t1) / 1000),
    negatives: result.rows.reduce(
      (s, r) => s + ((r.hard_negatives as unknown[] | undefined)?.length ?? 0),
      0,
    ),
    counters: { ...result.counters, rejected: result.rejected.length },
  };
}

/** A JSONL corpus of `size` synthetic passages (ids s0, s1, …), written once under the temp folder. */
async function syntheticCorpus(size: number): Promise<string> {
  const file = join(tmpdir(), `dataflow-bench-bm25-synthetic-${size}.jsonl`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(partial);
  for (let i = 0; i < size; i++) {
    if (!out.write(`${JSON.stringify({ id: `s${i}`, text: passage(i) })}\n`)) {
      await new Promise<void>((r) => out.once("drain", () => r()));
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(partial, file);
  return file;
}

export async function qpsChild(size: number, queries: number): Promise<MiningResult> {
  const corpus = await syntheticCorpus(size);
  const random = seededRandom(0x9e37);
  const rows: RowRecord[] = Array.from({ length: queries }, (_, i) => {
    const doc = Math.floor(random() * size);
    const text = passage(doc);
    return { id: `s${doc}`, row: { text, question: questionFor(text, i) } };
  });
  return timedMining("qps", rows, size, { numNeg: NUM_NEG, corpus });
}
