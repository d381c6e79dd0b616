/**
 * What a failing endpoint costs: requests sent and wall time for 320 rows through a serving with
 * `pipelines/rare.yaml`'s teacher settings (maxConcurrency 16, timeoutMs 120 s, maxRetries 5,
 * the default breaker), against the loopback server answering 401 forever, 500 forever, or
 * refusing connections; and throughput with 1% hung requests at concurrency 64 against the
 * clean server (200 ms latency), with hedging on (the default) and, with --baseline, off.
 *
 *   pnpm bench:serving-faults [--baseline] [--hang-only]
 *
 * Floors (issue 18): a 401 run sends at most maxConcurrency requests; 500-forever stops within
 * the breaker's budget; 1%-hang throughput ≥ 0.8 of clean.
 */
import type { LLMServingABC } from "@dataflow/core";
import { createServing } from "@dataflow/llm-serving";
import { type ChatServerOptions, chatRequests, startChatServer } from "@dataflow/llm-serving/testing";

const ROWS = 320;

function teacher(url: string, concurrency: number, extra: Record<string, unknown> = {}): LLMServingABC {
  return createServing(
    "teacher",
    {
      type: "openai",
      model: "bench-model",
      baseURL: url,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: concurrency,
      timeoutMs: 120_000,
      maxRetries: 5,
      ...extra,
    },
    { env: { OPENAI_API_KEY: "sk-bench-key" } },
  );
}

async function rows(serving: LLMServingABC, n: number, offset = 0) {
  const t0 = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      serving.generate({
        messages: [{ role: "user", content: `row ${offset + i}: a question about brakes` }],
      }),
    ),
  );
  const wallS = (performance.now() - t0) / 1000;
  const ok = results.filter((r) => r.status === "fulfilled").length;
  const first = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
  return { ok, wallS, reason: first ? String((first.reason as Error).message).slice(0, 160) : "" };
}

async function failing(label: string, options: ChatServerOptions, close = false) {
  const server = await startChatServer(options);
  if (close) await server.close();
  const r = await rows(teacher(server.url, 16), ROWS);
  const sent = chatRequests(server).length;
  await server.close();
  console.log(`| ${label} | ${ROWS} | ${sent} | ${r.ok} | ${r.wallS.toFixed(1)} | ${r.reason} |`);
}

async function hung(hedge: boolean) {
  const concurrency = 64;
  const n = concurrency * 20;
  const latency = { latencyMs: 200, defaultReply: "an answer of a few words", seed: 18 };
  const clean = await startChatServer(latency);
  const faulty = await startChatServer({ ...latency, randomFaults: [{ probability: 0.01, fault: "hang" }] });
  const extra = hedge ? {} : { hedge: false };
  const onClean = teacher(clean.url, concurrency, extra);
  const onFaulty = teacher(faulty.url, concurrency, extra);
  // Warm-up: connections opened, the latency window filled.
  await rows(onClean, concurrency, 1e6);
  await rows(onFaulty, concurrency, 2e6);
  const c = await rows(onClean, n);
  const f = await rows(onFaulty, n, n);
  const hangs = faulty.requests.filter((r) => r.outcome === "hang").length;
  await Promise.all([clean.close(), faulty.close()]);
  const ratio = n / f.wallS / (n / c.wallS);
  console.log(
    `- 1% hung requests, concurrency 64, ${n} rows, hedging ${hedge ? "on" : "off"}: clean ${c.wallS.toFixed(1)} s, ` +
      `with hangs ${f.wallS.toFixed(1)} s (${hangs} hung, ${faulty.requests.length} requests for ${n + concurrency} rows); ` +
      `throughput ratio ${ratio.toFixed(2)} (floor 0.80)`,
  );
}

console.log(
  `| endpoint | rows | requests sent | ok | wall s | first row's error |\n|---|---|---|---|---|---|`,
);
if (!process.argv.includes("--hang-only"))
  await failing("401 forever", { rules: [{ fault: { status: 401, message: "invalid api key" } }] });
if (!process.argv.includes("--hang-only"))
  await failing("500 forever", { rules: [{ fault: { status: 500 } }] });
if (!process.argv.includes("--hang-only")) await failing("connection refused", {}, true);
console.log("");
await hung(true);
if (process.argv.includes("--baseline")) await hung(false);
