/**
 * Serving-layer benchmark: requests/s through `@dataflow/llm-serving` against the loopback
 * chat-completions server with a fixed 200 ms latency, beside a bare `openai` SDK loop.
 *
 *   node --conditions=@dataflow/source --import tsx bench/serving.bench.ts [--rounds 15] [--sustain 8]
 *
 * - The server runs in a child process, so it does not share the client's event loop; on a
 *   small machine the two still share CPU cores (the table shows the client's CPU per request).
 * - Clean runs, at concurrency 16, 64 and 256: `rounds × concurrency` requests, after a warm-up
 *   that opens the connections. Bare loop: `concurrency` workers calling
 *   `chat.completions.create` (SDK retries off). Servings: all requests handed to
 *   `generateBatch` at once; the serving's `maxConcurrency` is the concurrency.
 *   Ideal = concurrency ÷ 0.2 s.
 * - Fault runs, at concurrency 64: 10% 429 (Retry-After: 1) + 5% 500, seeded. Two measures:
 *   "batch" (a fixed batch's wall time, so the last retries' 1 s wait is in it) and
 *   "sustained" (2 × 64 requests kept outstanding for `--sustain` seconds; completions counted
 *   after a 2 s ramp), each compared with the same measure on the clean server; and sustained
 *   with only 64 outstanding, as a step whose concurrency equals the serving's would drive it. The bare SDK with its own
 *   retries (maxRetries 5, backoff inside the call) is run too, for reference.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LLMRequest, LLMServingABC } from "@dataflow/core";
import { createServing } from "@dataflow/llm-serving";
import { type ChatServerOptions, startChatServer } from "@dataflow/llm-serving/testing";

const here = dirname(fileURLToPath(import.meta.url));
const LATENCY_MS = 200;
const SYSTEM = `You are a careful annotator of customer reviews. ${"Label each review by its overall sentiment, citing the decisive phrase. ".repeat(6)}`;
const REPLY = `{"label": "positive", "evidence": "the decisive phrase of the review, quoted", "confidence": 0.93, "notes": "${"x".repeat(120)}"}`;

type Mode = "clean" | "faults";

// ---------------------------------------------------------------- server (child process)

async function serve(mode: Mode): Promise<void> {
  const options: ChatServerOptions = { latencyMs: LATENCY_MS, defaultReply: REPLY, seed: 2024 };
  if (mode === "faults") {
    options.randomFaults = [
      { probability: 0.1, fault: { status: 429, retryAfter: 1 } },
      { probability: 0.05, fault: { status: 500 } },
    ];
  }
  const server = await startChatServer(options);
  const cpu0 = process.cpuUsage();
  process.on("message", (msg: unknown) => {
    if (msg === "stats") {
      const cpu = process.cpuUsage(cpu0);
      process.send?.({
        requests: server.requests.length,
        maxInFlight: server.maxInFlight,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      // The request log grows with every request: drop it between cases.
      server.requests.length = 0;
    } else if (msg === "exit") {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url: server.url });
}

interface ServerStats {
  requests: number;
  maxInFlight: number;
  cpuMs: number;
}

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(mode: Mode): Promise<ServerProcess> {
    const child = fork(fileURLToPath(import.meta.url), ["--server", mode], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("message", (msg) => resolve(new ServerProcess(child, (msg as { url: string }).url)));
    });
  }

  stats(): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.child.once("message", (msg) => resolve(msg as ServerStats));
      this.child.send("stats");
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send("exit");
    await exited;
  }
}

// ---------------------------------------------------------------- clients

interface ChatClient {
  chat: { completions: { create(body: unknown): Promise<unknown> } };
}
type OpenAIConstructor = new (options: Record<string, unknown>) => ChatClient;

/** The openai SDK as installed for @dataflow/llm-serving (the repo root does not depend on it). */
async function loadOpenAI(): Promise<OpenAIConstructor> {
  const require = createRequire(join(here, "../packages/llm-serving/package.json"));
  const cjsEntry = require.resolve("openai");
  const mod = (await import(pathToFileURL(join(dirname(cjsEntry), "index.mjs")).href)) as {
    default: OpenAIConstructor;
  };
  return mod.default;
}

function request(i: number): LLMRequest {
  return {
    messages: [
      { role: "system", content: SYSTEM },
      {
        role: "user",
        content: `Review #${i}: The battery lasts two days and the screen is bright, though the case scratches easily.`,
      },
    ],
  };
}

const body = (i: number) => ({ model: "bench-model", messages: request(i).messages });

interface Measured {
  ok: number;
  failed: number;
  wallS: number;
  cpuMsPerReq: number;
  latencies: number[];
}

async function measure(
  n: number,
  run: (record: (ms: number, ok: boolean) => void) => Promise<void>,
): Promise<Measured> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run((ms, success) => {
    latencies.push(ms);
    if (success) ok++;
    else failed++;
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { ok, failed, wallS, cpuMsPerReq: (cpu.user + cpu.system) / 1000 / n, latencies };
}

/** `concurrency` workers pulling request numbers, as a hand-written SDK loop does. */
function bareLoop(client: ChatClient, n: number, concurrency: number) {
  return measure(n, async (record) => {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        try {
          await client.chat.completions.create(body(i));
          record(performance.now() - t, true);
        } catch {
          record(performance.now() - t, false);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
}

/** Every request handed to the serving at once; its limiter keeps `maxConcurrency` in flight. */
function servingBatch(serving: LLMServingABC, n: number, offset = 0) {
  return measure(n, async (record) => {
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const t = performance.now();
        try {
          await serving.generate(request(offset + i));
          record(performance.now() - t, true);
        } catch {
          record(performance.now() - t, false);
        }
      }),
    );
  });
}

/**
 * Steady state: keep `outstanding` requests submitted for `seconds`, count the successes
 * that complete after a 2 s ramp. A fixed batch ends with a tail (the last retries wait out
 * their Retry-After with nothing else left to do); a pipeline with many rows does not.
 */
async function servingSustained(
  serving: LLMServingABC,
  outstanding: number,
  seconds: number,
  offset: number,
) {
  const rampMs = 2_000;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let counted = 0;
  let i = offset;
  const pending = new Set<Promise<void>>();
  const submit = () => {
    const p = serving.generate(request(i++)).then(
      () => {
        const t = performance.now();
        if (t >= t0 + rampMs && t <= end) counted++;
      },
      () => {},
    );
    const tracked = p.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  while (performance.now() < end) {
    while (pending.size < outstanding) submit();
    await Promise.race(pending);
  }
  await Promise.all(pending);
  return counted / ((seconds * 1000 - rampMs) / 1000);
}

// ---------------------------------------------------------------- report

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const rows: string[][] = [];
function report(
  label: string,
  client: string,
  concurrency: number,
  n: number,
  m: Measured,
  server: ServerStats,
) {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rps = m.ok / m.wallS;
  const ideal = concurrency / (LATENCY_MS / 1000);
  const row = [
    label,
    client,
    String(concurrency),
    `${m.ok}/${m.failed}`,
    m.wallS.toFixed(2),
    rps.toFixed(0),
    ideal.toFixed(0),
    (rps / ideal).toFixed(2),
    pct(sorted, 50).toFixed(0),
    pct(sorted, 95).toFixed(0),
    m.cpuMsPerReq.toFixed(2),
    String(server.requests),
    String(server.maxInFlight),
    (server.cpuMs / n).toFixed(2),
  ];
  rows.push(row);
  console.error(row.join(" | "));
  return rps;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const rounds = arg("rounds", 15);
  const sustain = arg("sustain", 8);
  const OpenAI = await loadOpenAI();
  console.error(
    `node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model ?? "?"}), ${rounds} rounds per case`,
  );
  console.error(
    "case | client | conc | ok/fail | wall s | req/s | ideal | ratio | p50 ms | p95 ms | client CPU ms/req | server requests | server max in flight | server CPU ms/req",
  );

  const clean = await ServerProcess.start("clean");
  const servingFor = (type: "openai" | "ai-sdk", url: string, concurrency: number) =>
    createServing(
      "bench",
      {
        type,
        model: "bench-model",
        baseURL: url,
        apiKeyEnv: "OPENAI_API_KEY",
        maxConcurrency: concurrency,
        timeoutMs: 30_000,
        maxRetries: 5,
      },
      { env: {} },
    );
  const bareClient = (url: string, maxRetries = 0) =>
    new OpenAI({ baseURL: url, apiKey: "sk-bench", maxRetries, timeout: 30_000 });

  const ratios: string[] = [];
  let cleanBatch64 = 0;
  // Every request differs (no two prompts alike), as rows of a dataset do.
  let offset = 0;
  const fresh = (count: number) => {
    const start = offset;
    offset += count;
    return start;
  };
  for (const concurrency of [16, 64, 256]) {
    const n = concurrency * rounds;
    const bare = bareClient(clean.url);
    await bareLoop(bare, concurrency, concurrency); // warm-up: open the connections
    await clean.stats();
    const bareRps = report(
      "clean",
      "bare openai SDK",
      concurrency,
      n,
      await bareLoop(bare, n, concurrency),
      await clean.stats(),
    );
    for (const type of ["openai", "ai-sdk"] as const) {
      const serving = servingFor(type, clean.url, concurrency);
      await servingBatch(serving, concurrency, fresh(n));
      await clean.stats();
      const rps = report(
        "clean",
        `serving ${type}`,
        concurrency,
        n,
        await servingBatch(serving, n, fresh(n)),
        await clean.stats(),
      );
      ratios.push(
        `concurrency ${concurrency}: serving ${type} / bare openai = ${(rps / bareRps).toFixed(3)}`,
      );
      if (type === "openai" && concurrency === 64) cleanBatch64 = rps;
    }
  }

  // Faults at concurrency 64.
  const concurrency = 64;
  const n = concurrency * rounds;
  const faulty = await ServerProcess.start("faults");
  const serving = servingFor("openai", faulty.url, concurrency);
  await servingBatch(serving, concurrency, fresh(n));
  await faulty.stats();
  const faultBatch = report(
    "10% 429 + 5% 500",
    "serving openai",
    concurrency,
    n,
    await servingBatch(serving, n, fresh(n)),
    await faulty.stats(),
  );
  const sdk = bareClient(faulty.url, 5);
  await bareLoop(sdk, concurrency, concurrency);
  await faulty.stats();
  report(
    "10% 429 + 5% 500",
    "bare openai SDK, its retries",
    concurrency,
    n,
    await bareLoop(sdk, n, concurrency),
    await faulty.stats(),
  );

  const sustainedClean = await servingSustained(
    servingFor("openai", clean.url, concurrency),
    2 * concurrency,
    sustain,
    fresh(100_000),
  );
  const sustainedFaults = await servingSustained(serving, 2 * concurrency, sustain, fresh(100_000));
  // As many callers as slots (a step whose concurrency equals the serving's): a caller waiting
  // out its backoff has nothing else to send, so the slot it gave up stays idle.
  const sustainedFaultsClosed = await servingSustained(serving, concurrency, sustain, fresh(100_000));
  await Promise.all([clean.stop(), faulty.stop()]);

  console.log(
    "\n| case | client | conc | ok/fail | wall s | req/s | ideal | ratio of ideal | p50 ms | p95 ms | client CPU ms/req | server requests | server max in flight | server CPU ms/req |",
  );
  console.log(`|${"---|".repeat(14)}`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("");
  for (const r of ratios) console.log(`- ${r}`);
  console.log(
    `- faults at 64, batch of ${n}: ${faultBatch.toFixed(0)} req/s vs ${cleanBatch64.toFixed(0)} clean = ${(faultBatch / cleanBatch64).toFixed(2)} of the clean run`,
  );
  console.log(
    `- faults at 64, sustained ${sustain} s, 128 requests outstanding: ${sustainedFaults.toFixed(0)} req/s vs ${sustainedClean.toFixed(0)} clean = ${(sustainedFaults / sustainedClean).toFixed(2)} of the clean run`,
  );
  console.log(
    `- faults at 64, sustained, only 64 outstanding (callers = slots): ${sustainedFaultsClosed.toFixed(0)} req/s = ${(sustainedFaultsClosed / sustainedClean).toFixed(2)} of the clean run`,
  );
}

if (process.argv[2] === "--server") {
  await serve(process.argv[3] === "faults" ? "faults" : "clean");
} else {
  await main();
}
