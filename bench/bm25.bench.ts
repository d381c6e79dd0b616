/**
 * BM25 mining benchmark: `rare/bm25-hard-neg` beside its floor, in one run.
 *
 *   pnpm bench:bm25                                   # 100k real-text rows, then 1M passages
 *   pnpm bench:bm25 -- --rows 20000 --qps-size 100000 --qps-queries 2000   # a quick run
 *   pnpm bench:bm25 -- --no-qps | --no-ratio
 *   pnpm bench:bm25 -- --engines [...]                # the engine table (bm25-engines.ts)
 *
 * Ratio: at --rows real-text rows (~1 KB each, from documentation on this machine: see
 * bm25-real-text.ts), the floor (bm25-floor.ts: plain single-threaded typed-array BM25, no overlap
 * rule) indexes the rows and asks one 12-word question per row for the top 3 other rows; dataflow runs
 * the whole step (numNeg 3, default overlap rule) on the same rows and questions. Speed ratio = floor
 * seconds / dataflow seconds (≥ 1.0 means dataflow is as fast as the floor); RSS ratio = dataflow
 * peak RSS / floor peak RSS (target ≤ 2). Both include the index build.
 *
 * Queries/s: the step mining --qps-queries rows against a `corpus:` file of --qps-size synthetic
 * passages (bm25-synthetic.ts, ~900 characters each; this machine has only ~100k distinct real-text
 * passages), with the same 12-word questions; only mining is timed, after the index is built.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { engineTableMain } from "./bm25-engines.ts";
import { dataflowChild, floorChild, type MiningResult, NUM_NEG, qpsChild } from "./bm25-mining.ts";
import { fmt, RESULT_MARK, runResultChild } from "./child-result.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGETS = { ratio: 1.0, rssRatio: 2.0, qps: 1000, qpsRssMiB: 2048 };

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function spawn(kind: string, extra: string[]): MiningResult | undefined {
  const self = fileURLToPath(import.meta.url);
  process.stderr.write(`running ${kind} ${extra.join(" ")}...\n`);
  return runResultChild<MiningResult>([...process.execArgv, self, "--mining-child", kind, ...extra]);
}

async function child(args: string[]): Promise<void> {
  const kind = argValue(args, "--mining-child");
  const n = Number(argValue(args, "--n"));
  let result: MiningResult;
  if (kind === "floor") result = await floorChild(repoRoot, n);
  else if (kind === "dataflow") result = await dataflowChild(repoRoot, n);
  else result = await qpsChild(n, Number(argValue(args, "--queries")));
  console.log(`${RESULT_MARK}${JSON.stringify(result)}`);
}

function printRows(results: MiningResult[]): void {
  console.log("| run | rows | corpus | total s | index s | CPU s | mining q/s | peak RSS MiB | negatives |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.kind} | ${fmt(r.rows)} | ${fmt(r.corpus)} | ${fmt(r.seconds, 1)} | ${fmt(r.indexSeconds, 1)} | ` +
        `${fmt(r.cpuSeconds, 1)} | ${fmt(r.queriesPerSecond)} | ${fmt(r.peakRssMiB)} | ${fmt(r.negatives)} |`,
    );
  }
  for (const r of results)
    if (Object.keys(r.counters).length) console.log(`${r.kind} counters: ${JSON.stringify(r.counters)}`);
}

function verdict(label: string, value: number, target: number, higherIsBetter: boolean): void {
  const ok = higherIsBetter ? value >= target : value <= target;
  console.log(
    `  ${label}: ${fmt(value, 2)} (target ${higherIsBetter ? "≥" : "≤"} ${fmt(target, 2)}) ${ok ? "OK" : "MISSED"}`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--engines")) return engineTableMain(args);
  if (args.includes("--mining-child")) return child(args);
  const rows = Number(argValue(args, "--rows") ?? 100_000);
  const qpsSize = Number(argValue(args, "--qps-size") ?? 1_000_000);
  const qpsQueries = Number(argValue(args, "--qps-queries") ?? 10_000);
  console.log(
    `BM25 mining benchmark: Node ${process.version}, numNeg ${NUM_NEG}, 12-word questions, one child process per run.\n`,
  );
  const results: MiningResult[] = [];
  let floor: MiningResult | undefined;
  let flow: MiningResult | undefined;
  if (!args.includes("--no-ratio")) {
    floor = spawn("floor", ["--n", String(rows)]);
    flow = spawn("dataflow", ["--n", String(rows)]);
    for (const r of [floor, flow]) if (r) results.push(r);
  }
  const qps = args.includes("--no-qps")
    ? undefined
    : spawn("qps", ["--n", String(qpsSize), "--queries", String(qpsQueries)]);
  if (qps) results.push(qps);
  printRows(results);
  console.log("\nTargets:");
  if (floor && flow) {
    verdict(
      `speed ratio vs floor at ${fmt(rows)} rows (floor s / dataflow s)`,
      floor.seconds / flow.seconds,
      TARGETS.ratio,
      true,
    );
    verdict(
      "RSS ratio vs floor (dataflow / floor)",
      flow.peakRssMiB / floor.peakRssMiB,
      TARGETS.rssRatio,
      false,
    );
    verdict(
      "CPU ratio vs floor (floor CPU s / dataflow CPU s)",
      floor.cpuSeconds / flow.cpuSeconds,
      TARGETS.ratio,
      true,
    );
  }
  if (qps) {
    verdict(`mining queries/s at ${fmt(qps.corpus)} passages`, qps.queriesPerSecond, TARGETS.qps, true);
    verdict(`peak RSS MiB at ${fmt(qps.corpus)} passages`, qps.peakRssMiB, TARGETS.qpsRssMiB, false);
  }
}

await main();
