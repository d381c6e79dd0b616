/**
 * Storage benchmark: write then read N rows in each file format through the
 * @dataflow/storage sinks and sources, and a step cache's put / reopen / get.
 * Each case runs in its own child process, so its peak RSS (the kernel's
 * high-water mark) is its own; a baseline child shows what Node and the
 * loader cost before any row.
 *
 *   node --conditions=@dataflow/source --import tsx bench/storage.bench.ts
 *        [--rows 1000000] [--formats jsonl,parquet,jsonl.gz,csv] [--no-cache]
 *
 * Rows look like a document corpus: { id: int, title: string, text: ~200
 * characters of words, score: double, published: boolean }. Writing awaits
 * the sink's backpressure and includes making the rows (the "generate" line
 * shows that cost alone); reading counts rows and touches a field. The step
 * cache puts one outcome per row, then reopens (indexes) the file and gets
 * every entry, as a resumed run replays it. MB/s is file bytes on disk per
 * second (compressed bytes for .jsonl.gz and Parquet).
 * Files go to bench/.tmp/storage and are removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RowSink, RowSource } from "@dataflow/core";
import {
  CsvSink,
  CsvSource,
  FileRunStore,
  JsonlSink,
  JsonlSource,
  ParquetSink,
  ParquetSource,
} from "@dataflow/storage";

const here = dirname(fileURLToPath(import.meta.url));
const tmp = join(here, ".tmp", "storage");

type Format = "jsonl" | "parquet" | "jsonl.gz" | "csv";
type Op = "write" | "read" | "baseline" | "generate" | "cache-put" | "cache-get";

interface Result {
  op: Op;
  format: string;
  rows: number;
  seconds: number;
  bytes: number;
  peakRssMiB: number;
}

/** 5,000 pseudo-words of 2–4 consonant-vowel syllables. */
const WORDS = (() => {
  const consonants = "bcdfghjklmnprstvwz";
  const vowels = "aeiou";
  const words: string[] = [];
  let x = 7;
  const next = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x >>> 8;
  };
  for (let w = 0; w < 5000; w++) {
    let word = "";
    for (let s = 2 + (next() % 3); s > 0; s--) word += `${consonants[next() % 18]}${vowels[next() % 5]}`;
    words.push(word);
  }
  return words;
})();

/**
 * 1 MiB of words drawn with a heavy head (a few words very often, most
 * rarely), so it compresses about as well as prose; each row's text is a
 * 200-character window of it: cheap to make, rarely repeated.
 */
const CORPUS = (() => {
  const words: string[] = [];
  let x = 12345;
  for (let length = 0; length < 1 << 20; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    const word = WORDS[Math.floor(WORDS.length * ((x >>> 8) / 2 ** 24) ** 3)] as string;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(" ");
})();

/** A deterministic document row; the text is 200 characters of words. */
function makeRow(i: number): Record<string, unknown> {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  const at = h % (CORPUS.length - 200);
  return {
    id: i,
    title: `Document ${i}: ${WORDS[i % WORDS.length]}`,
    text: CORPUS.slice(at, at + 200),
    score: (h % 100_000) / 997,
    published: i % 3 !== 0,
  };
}

function pathFor(format: Format): string {
  return join(tmp, `rows.${format}`);
}

async function openSink(format: Format): Promise<RowSink> {
  const path = pathFor(format);
  switch (format) {
    case "jsonl":
      return JsonlSink.open(path);
    case "jsonl.gz":
      return JsonlSink.open(path, { compression: "gzip" });
    case "csv":
      return CsvSink.open(path);
    case "parquet":
      return ParquetSink.open(path);
  }
}

function openSource(format: Format): RowSource {
  const path = pathFor(format);
  switch (format) {
    case "jsonl":
      return new JsonlSource({ path });
    case "jsonl.gz":
      return new JsonlSource({ path, compression: "gzip" });
    case "csv":
      return new CsvSource({ path });
    case "parquet":
      return new ParquetSource({ path });
  }
}

/** Child: one case, printing one JSON line of measurements. */
async function child(op: Op, format: string, n: number): Promise<void> {
  const started = process.hrtime.bigint();
  let bytes = 0;
  if (op === "generate") {
    // What making the rows costs on its own: the write cases include it.
    let chars = 0;
    for (let i = 0; i < n; i++) chars += (makeRow(i).text as string).length;
    if (chars === 0) throw new Error("no rows");
  } else if (op === "write") {
    const sink = await openSink(format as Format);
    for (let i = 0; i < n; i++) {
      const pending = sink.write({ id: String(i + 1), row: makeRow(i) });
      if (pending) await pending;
    }
    await sink.commit();
    bytes = statSync(pathFor(format as Format)).size;
  } else if (op === "read") {
    let rows = 0;
    let chars = 0;
    for await (const item of openSource(format as Format).read()) {
      if (item.kind !== "row") throw new Error(`bad item: ${item.reason}`);
      chars += (item.row.text as string).length;
      rows++;
    }
    if (rows !== n || chars === 0) throw new Error(`read ${rows} rows, expected ${n}`);
    bytes = statSync(pathFor(format as Format)).size;
  } else if (op === "cache-put") {
    const store = new FileRunStore({ dir: join(tmp, "run") });
    await store.clear();
    const cache = await store.openStepCache("step", "fp");
    for (let i = 0; i < n; i++) cache.put(String(i + 1), { kind: "rows", rows: [makeRow(i)] });
    await cache.close();
    bytes = statSync(store.stepCachePath("step")).size;
  } else if (op === "cache-get") {
    // Reopen (index the file), then replay every entry in order, as a resumed run does.
    const store = new FileRunStore({ dir: join(tmp, "run") });
    const cache = await store.openStepCache("step", "fp");
    if (cache.size !== n) throw new Error(`cache holds ${cache.size} entries, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const outcome = cache.get(String(i + 1));
      if (outcome?.kind !== "rows") throw new Error(`missing entry ${i + 1}`);
    }
    await cache.close();
    bytes = statSync(store.stepCachePath("step")).size;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  const result: Result = { op, format, rows: n, seconds, bytes, peakRssMiB };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(op: Op, format: string, n: number): Result {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", op, format, String(n)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 20 * 60_000, maxBuffer: 1 << 20 },
  );
  if (r.status !== 0)
    throw new Error(`${op} ${format} failed (exit ${r.status}, ${r.signal ?? "no signal"})`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Result;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) {
    const [op, format, n] = process.argv.slice(childAt + 1);
    return child(op as Op, format as string, Number(n));
  }
  const n = Number(arg("--rows") ?? 1_000_000);
  const formats = (arg("--formats") ?? "jsonl,parquet,jsonl.gz,csv").split(",") as Format[];
  mkdirSync(tmp, { recursive: true });
  const results: Result[] = [runChild("baseline", "-", 0), runChild("generate", "(rows only)", n)];
  try {
    for (const format of formats) {
      results.push(runChild("write", format, n));
      results.push(runChild("read", format, n));
      rmSync(pathFor(format), { force: true });
    }
    if (!process.argv.includes("--no-cache")) {
      results.push(runChild("cache-put", "step cache", n));
      results.push(runChild("cache-get", "step cache", n));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const fmt = (x: number, digits = 0) =>
    x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const header = ["format", "op", "rows", "seconds", "rows/s", "MB/s", "file MB", "peak RSS MiB"];
  const table = results.map((r) =>
    r.op === "baseline"
      ? ["(node + loader)", "baseline", "0", "", "", "", "", fmt(r.peakRssMiB)]
      : [
          r.format,
          r.op,
          fmt(r.rows),
          fmt(r.seconds, 2),
          fmt(r.rows / r.seconds),
          r.bytes ? fmt(r.bytes / 1e6 / r.seconds, 1) : "",
          r.bytes ? fmt(r.bytes / 1e6, 1) : "",
          fmt(r.peakRssMiB),
        ],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => (row[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ");
  console.log(`Node ${process.version}, ${fmt(n)} rows of ~5 columns (a 200-character text)\n`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table) console.log(line(row));
}

await main();
