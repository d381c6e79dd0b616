/**
 * Serving-layer benchmark: requests/s through `@dataflow/llm-serving` against the loopback
 * chat-completions server with a fixed 200 ms latency, beside a bare `openai` SDK loop.
 *
 *   node --conditions=@dataflow/source --import tsx bench/serving.bench.ts [--rounds 15] [--repeat 3] [--sustain 8]
 *
 * - The server runs in a child process, so it does not share the client's event loop; on a
 *   small machine the two still share CPU cores (the table shows both sides' CPU per request).
 * - Clean runs, at concurrency 16, 64 and 256: `rounds × concurrency` requests after a warm-up,
 *   driven the same way for every client: `concurrency` callers, each sending its next request
 *   when the last settles. Bare loop: `chat.completions.create` (SDK retries off). Servings:
 *   `serving.generate`, with `maxConcurrency` = the concurrency. Ideal = concurrency ÷ 0.2 s.
 *   Each case runs `repeat` times, interleaved, and the best run is kept (on a shared machine
 *   the slower runs measure the neighbours); every run's req/s is listed too.
 * - Fault runs, at concurrency 64: 10% 429 (Retry-After: 1) + 5% 500, seeded per arrival.
 *   "batch": the whole batch handed to the serving at once, its wall time against the same
 *   batch on the clean server (the last retries' 1 s wait is in it); "sustained": 64, 128 or
 *   256 requests kept outstanding for `sustain` seconds, completions counted after a 2 s ramp,
 *   against the clean server with plenty outstanding (64 outstanding is how a step whose
 *   concurrency equals the serving's drives it). The bare SDK retrying inside its calls
 *   (maxRetries 5) is run beside, for reference. `--cases faults` runs only these.
 * - Endpoint scaling: 1, 2 and 3 loopback servers behind one serving (`baseURL` as a list), each
 *   server answering at most 8 requests at once in 100 ms (the rest queue at the server, as a
 *   model server's batch slots do), so one endpoint is the bound: ideal = endpoints × 80 req/s.
 *   Each serving keeps 2 × 8 requests per endpoint outstanding; the client is far from its own
 *   bound. Req/s with 2 and 3 endpoints ÷ req/s with 1 is printed. Then once over 3 endpoints
 *   with the third server stopped a third of the way in (ideal: 3 endpoints' rate until then, 2
 *   after), with what failed and how the two left split the rest. `--cases endpoints` runs only these.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LLMError, type LLMRequest, type LLMServingABC } from "@dataflow/core";
import { createServing, ServingBase, type TransportResult } from "@dataflow/llm-serving";
import { type ChatServerOptions, startChatServer } from "@dataflow/llm-serving/testing";

const here = dirname(fileURLToPath(import.meta.url));
const LATENCY_MS = 200;
const SYSTEM = `You are a careful annotator of customer reviews. ${"Label each review by its overall sentiment, citing the decisive phrase. ".repeat(6)}`;
const REPLY = `{"label": "positive", "evidence": "the decisive phrase of the review, quoted", "confidence": 0.93, "notes": "${"x".repeat(120)}"}`;

type Mode = "clean" | "faults" | "bounded";

// ---------------------------------------------------------------- server (child process)

async function serve(mode: Mode): Promise<void> {
  const options: ChatServerOptions = {
    latencyMs: mode === "bounded" ? boundedLatency(SLOTS, SLOT_MS) : LATENCY_MS,
    defaultReply: REPLY,
    seed: 2024,
  };
  if (mode === "faults") {
    options.randomFaults = [
      { probability: 0.1, fault: { status: 429, retryAfter: 1 } },
      { probability: 0.05, fault: { status: 500 } },
    ];
  }
  const server = await startChatServer(options);
  let cpu0 = process.cpuUsage();
  process.on("message", (msg: unknown) => {
    if (msg === "stats") {
      // Per interval: CPU since the last call, and the most requests in flight among this interval's.
      const cpu = process.cpuUsage(cpu0);
      cpu0 = process.cpuUsage();
      let maxInFlight = 0;
      for (const r of server.requests) maxInFlight = Math.max(maxInFlight, r.inFlightOnArrival);
      process.send?.({
        requests: server.requests.length,
        maxInFlight,
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

/** Per bounded server: requests answered at once, and how long each takes. */
const SLOTS = 8;
const SLOT_MS = 100;

/**
 * A server with `slots` requests served at once, each for `ms`; the others wait for a slot in
 * arrival order. The latency of a request is its wait plus its own `ms`.
 */
function boundedLatency(slots: number, ms: number): () => number {
  const freeAt = new Array<number>(slots).fill(0);
  return () => {
    const now = performance.now();
    let slot = 0;
    for (let i = 1; i < slots; i++) if ((freeAt[i] ?? 0) < (freeAt[slot] ?? 0)) slot = i;
    const start = Math.max(now, freeAt[slot] ?? 0);
    freeAt[slot] = start + ms;
    return start + ms - now;
  };
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

/** `concurrency` callers, each sending its next request when the last one settles. */
function workers(n: number, concurrency: number, call: (i: number) => Promise<unknown>) {
  return measure(n, async (record) => {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        try {
          await call(i);
          record(performance.now() - t, true);
        } catch {
          record(performance.now() - t, false);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
}

/** Every request handed to the serving at once; its limiter keeps `maxConcurrency` on the wire. */
function batch(serving: LLMServingABC, n: number, offset: number) {
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
 * Steady state: keep `outstanding` requests submitted for `seconds`, count the successes that
 * complete after a 2 s ramp. A fixed batch ends with a tail (its last retries wait out their
 * Retry-After with nothing else left to send); a pipeline with many rows does not.
 */
async function sustained(serving: LLMServingABC, outstanding: number, seconds: number, offset: number) {
  const rampMs = 2_000;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let counted = 0;
  let inFlight = 0;
  let i = offset;
  // One wake-up per settled request (Promise.race over long-lived promises would pile up reactions).
  let wake: (() => void) | undefined;
  const submit = () => {
    inFlight++;
    serving
      .generate(request(i++))
      .then(
        () => {
          const t = performance.now();
          if (t >= t0 + rampMs && t <= end) counted++;
        },
        () => {},
      )
      .finally(() => {
        inFlight--;
        wake?.();
      });
  };
  while (performance.now() < end) {
    while (inFlight < outstanding) submit();
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  while (inFlight > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  return counted / ((seconds * 1000 - rampMs) / 1000);
}

/** The middleware alone: a transport that answers at once, so only the serving layer costs CPU. */
class InstantServing extends ServingBase {
  protected async transport(): Promise<TransportResult> {
    return { text: REPLY, usage: { promptTokens: 200, completionTokens: 40 }, model: "bench-model" };
  }

  protected toLLMError(err: unknown): LLMError {
    return new LLMError("transport", String(err));
  }
}

async function middlewareCost(): Promise<number> {
  const serving = new InstantServing({
    name: "instant",
    model: "m",
    maxConcurrency: 256,
    timeoutMs: 30_000,
    maxRetries: 5,
  });
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const n = 20_000;
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: n }, (_, i) => serving.generate(request(i))));
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / n);
  }
  return best;
}

// ---------------------------------------------------------------- report

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Run {
  m: Measured;
  server: ServerStats;
  rps: number;
}

const table: string[] = [];
function report(
  label: string,
  client: string,
  concurrency: number,
  n: number,
  runs: Run[],
  idealRps = concurrency / (LATENCY_MS / 1000),
): number {
  // Best of the repeats: on a shared machine, slower runs measure the neighbours, not the client.
  const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const { m, server, rps } = best;
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const ideal = idealRps;
  const row = [
    label,
    client,
    String(concurrency),
    `${m.ok}/${m.failed}`,
    m.wallS.toFixed(2),
    rps.toFixed(0),
    runs.map((r) => r.rps.toFixed(0)).join(", "),
    ideal.toFixed(0),
    (rps / ideal).toFixed(2),
    pct(sorted, 50).toFixed(0),
    pct(sorted, 95).toFixed(0),
    m.cpuMsPerReq.toFixed(2),
    String(server.requests),
    String(server.maxInFlight),
    (server.cpuMs / n).toFixed(2),
  ];
  table.push(`| ${row.join(" | ")} |`);
  console.error(row.join(" | "));
  return rps;
}

function printTable(notes: string[]): void {
  console.log(
    "\n| case | client | conc | ok/fail | wall s | req/s (best) | req/s (each run) | ideal | ratio of ideal | p50 ms | p95 ms | client CPU ms/req | server requests | server max in flight | server CPU ms/req |",
  );
  console.log(`|${"---|".repeat(15)}`);
  for (const row of table) console.log(row);
  console.log("");
  for (const note of notes) console.log(`- ${note}`);
}

// ---------------------------------------------------------------- endpoints

/** `run` timed against several servers: their requests and CPU summed, the most in flight of any. */
async function timedOn(
  servers: ServerProcess[],
  run: () => Promise<Measured>,
): Promise<Run & { split: number[] }> {
  await Promise.all(servers.map((s) => s.stats()));
  const m = await run();
  const stats = await Promise.all(servers.map((s) => s.stats()));
  const server = {
    requests: stats.reduce((a, x) => a + x.requests, 0),
    maxInFlight: Math.max(...stats.map((x) => x.maxInFlight)),
    cpuMs: stats.reduce((a, x) => a + x.cpuMs, 0),
  };
  return { m, server, rps: m.ok / m.wallS, split: stats.map((x) => x.requests) };
}

/**
 * Throughput through one serving over 1, 2 and 3 bounded servers (each the bound), interleaved
 * per repeat after a warm-up pass and the best kept; the notes give each against one endpoint
 * and against its ideal, and how the requests split between the servers.
 */
async function endpointScaling(rounds: number, repeat: number): Promise<string[]> {
  const servers = await Promise.all([0, 1, 2].map(() => ServerProcess.start("bounded")));
  const perEndpoint = SLOTS / (SLOT_MS / 1000);
  const counts = [1, 2, 3];
  const runs = new Map<number, (Run & { split: number[] })[]>(counts.map((n) => [n, []]));
  let offset = 10_000_000;
  for (let r = 0; r <= repeat; r++) {
    for (const n of counts) {
      // Twice the slots outstanding per endpoint: every server always has a queue.
      const outstanding = 2 * SLOTS * n;
      const used = servers.slice(0, n);
      const serving = servingOver(used, outstanding);
      const total = rounds * outstanding;
      const base = offset;
      offset += total;
      const run = await timedOn(used, () =>
        workers(total, outstanding, (i) => serving.generate(request(base + i))),
      );
      // The first pass warms connections and code paths; it is not kept.
      if (r > 0) runs.get(n)?.push(run);
    }
  }
  const stopped = await oneStops(servers, rounds, offset);
  await Promise.all(servers.slice(0, 2).map((s) => s.stop()));
  const rps = new Map<number, number>();
  const notes: string[] = [];
  for (const n of counts) {
    const list = runs.get(n) ?? [];
    const label = `${n} endpoint${n === 1 ? "" : "s"} × 8 slots × 100 ms`;
    rps.set(n, report(label, "serving openai", 2 * SLOTS * n, rounds * 2 * SLOTS * n, list, n * perEndpoint));
    const split = list.reduce((a, b) => (b.rps > a.rps ? b : a), list[0] as Run & { split: number[] }).split;
    if (n > 1)
      notes.push(`endpoints: requests per server with ${n} endpoints (best run): ${split.join(" / ")}`);
  }
  const label = `3 endpoints, the 3rd stops after ${(stopped.afterMs / 1000).toFixed(1)} s`;
  // Ideal: three endpoints' rate until the stop, two endpoints' after it.
  const before = (stopped.afterMs / 1000) * 3 * perEndpoint;
  const idealS = stopped.afterMs / 1000 + (stopped.total - before) / (2 * perEndpoint);
  const r3 = report(label, "serving openai", 6 * SLOTS, stopped.total, [stopped.run], stopped.total / idealS);
  notes.push(
    `endpoints: one of 3 stopping a third of the way in: ${stopped.run.m.ok} ok, ${stopped.run.m.failed} failed, ${r3.toFixed(0)} req/s (3 clean ${(rps.get(3) ?? 0).toFixed(0)}, 2 clean ${(rps.get(2) ?? 0).toFixed(0)}); the two left answered ${stopped.run.split.join(" / ")}`,
  );
  const one = rps.get(1) ?? Number.NaN;
  for (const n of counts.slice(1)) {
    const r = rps.get(n) ?? Number.NaN;
    notes.push(
      `endpoints: ${n} ÷ 1 = ${(r / one).toFixed(2)} (${r.toFixed(0)} ÷ ${one.toFixed(0)} req/s; linear would be ${n}.00; ${(r / (n * perEndpoint)).toFixed(2)} of the ideal ${n} × ${perEndpoint} req/s)`,
    );
  }
  return notes;
}

function servingOver(servers: ServerProcess[], outstanding: number): LLMServingABC {
  return createServing(
    "bench",
    {
      type: "openai",
      model: "bench-model",
      baseURL: servers.map((s) => s.url),
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: outstanding,
      timeoutMs: 30_000,
      maxRetries: 5,
      hedge: false,
    },
    { env: {} },
  );
}

/**
 * One serving over the three servers, the third stopped (its process exits, its port refuses)
 * about a third of the way through the run; the other two are timed.
 */
async function oneStops(servers: ServerProcess[], rounds: number, offset: number) {
  const outstanding = 6 * SLOTS;
  const serving = servingOver(servers, outstanding);
  const total = rounds * outstanding;
  const afterMs = ((total / (3 * (SLOTS / (SLOT_MS / 1000)))) * 1000) / 3;
  let stopping: Promise<void> | undefined;
  const timer = setTimeout(() => {
    stopping = servers[2]?.stop();
  }, afterMs);
  const run = await timedOn(servers.slice(0, 2), () =>
    workers(total, outstanding, (i) => serving.generate(request(offset + i))),
  );
  clearTimeout(timer);
  await (stopping ?? servers[2]?.stop());
  return { run, total, afterMs };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const rounds = arg("rounds", 15);
  const sustain = arg("sustain", 8);
  const repeat = arg("repeat", 3);
  const casesAt = process.argv.indexOf("--cases");
  const all = "clean,faults,endpoints";
  const cases = new Set((casesAt === -1 ? all : (process.argv[casesAt + 1] ?? "")).split(","));
  const OpenAI = await loadOpenAI();
  const load = (await import("node:os")).loadavg()[0]?.toFixed(2);
  console.log(
    `node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model ?? "?"}), load average ${load} at start; ` +
      `${rounds} rounds per case, best of ${repeat}`,
  );

  const clean = await ServerProcess.start("clean");
  const faulty = await ServerProcess.start("faults");
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
  // Every request differs (no two prompts alike), as rows of a dataset do.
  let offset = 0;
  const fresh = (count: number) => {
    const start = offset;
    offset += count;
    return start;
  };
  const timed = async (server: ServerProcess, run: () => Promise<Measured>): Promise<Run> => {
    await server.stats();
    const m = await run();
    return { m, server: await server.stats(), rps: m.ok / m.wallS };
  };

  const notes: string[] = [];
  notes.push(
    `serving middleware alone (a transport that answers at once): ${(await middlewareCost()).toFixed(0)} µs CPU per call`,
  );
  for (const concurrency of cases.has("clean") ? [16, 64, 256] : []) {
    const n = concurrency * rounds;
    const bare = bareClient(clean.url);
    const servings = {
      openai: servingFor("openai", clean.url, concurrency),
      "ai-sdk": servingFor("ai-sdk", clean.url, concurrency),
    };
    // Warm-up: connections opened, code paths compiled.
    await workers(concurrency, concurrency, (i) => bare.chat.completions.create(body(i)));
    for (const s of Object.values(servings)) {
      const base = fresh(concurrency);
      await workers(concurrency, concurrency, (i) => s.generate(request(base + i)));
    }
    const runs: Record<string, Run[]> = { bare: [], openai: [], "ai-sdk": [] };
    for (let r = 0; r < repeat; r++) {
      runs.bare?.push(
        await timed(clean, () => workers(n, concurrency, (i) => bare.chat.completions.create(body(i)))),
      );
      for (const [type, s] of Object.entries(servings)) {
        const base = fresh(n);
        runs[type]?.push(
          await timed(clean, () => workers(n, concurrency, (i) => s.generate(request(base + i)))),
        );
      }
    }
    const bareRps = report("clean", "bare openai SDK", concurrency, n, runs.bare ?? []);
    for (const type of ["openai", "ai-sdk"]) {
      const rps = report("clean", `serving ${type}`, concurrency, n, runs[type] ?? []);
      notes.push(
        `clean, concurrency ${concurrency}: serving ${type} ÷ bare openai SDK = ${(rps / bareRps).toFixed(3)}`,
      );
    }
  }

  if (cases.has("endpoints")) notes.push(...(await endpointScaling(rounds, repeat)));
  if (!cases.has("faults")) {
    await Promise.all([clean.stop(), faulty.stop()]);
    printTable(notes);
    return;
  }

  // Faults at concurrency 64: all requests handed over at once, so a slot given up during a
  // backoff has a queued request to serve.
  const concurrency = 64;
  const n = concurrency * rounds;
  const onClean = servingFor("openai", clean.url, concurrency);
  const onFaults = servingFor("openai", faulty.url, concurrency);
  await batch(onClean, concurrency, fresh(concurrency));
  await batch(onFaults, concurrency, fresh(concurrency));
  const cleanRuns: Run[] = [];
  const faultRuns: Run[] = [];
  for (let r = 0; r < repeat; r++) {
    cleanRuns.push(await timed(clean, () => batch(onClean, n, fresh(n))));
    faultRuns.push(await timed(faulty, () => batch(onFaults, n, fresh(n))));
  }
  const cleanBatch = report("clean, batch", "serving openai", concurrency, n, cleanRuns);
  const faultBatch = report("10% 429 + 5% 500, batch", "serving openai", concurrency, n, faultRuns);
  const sdk = bareClient(faulty.url, 5);
  await workers(concurrency, concurrency, (i) => sdk.chat.completions.create(body(i)));
  const sdkRuns: Run[] = [];
  for (let r = 0; r < repeat; r++) {
    sdkRuns.push(
      await timed(faulty, () => workers(n, concurrency, (i) => sdk.chat.completions.create(body(i)))),
    );
  }
  const sdkFaults = report("10% 429 + 5% 500", "bare openai SDK, its own retries", concurrency, n, sdkRuns);

  // Sustained: clean with plenty queued, faults with 64 (callers = slots, as a step whose
  // concurrency equals the serving's drives it: a caller waiting out its backoff has nothing
  // else to send), 128 and 256 requests outstanding. Interleaved, best of two.
  const outstandings = [64, 128, 256];
  let sustainedClean = 0;
  const sustainedFaults = new Map<number, number>();
  for (let r = 0; r < Math.min(repeat, 2); r++) {
    sustainedClean = Math.max(
      sustainedClean,
      await sustained(onClean, 4 * concurrency, sustain, fresh(100_000)),
    );
    for (const o of outstandings) {
      const rps = await sustained(onFaults, o, sustain, fresh(100_000));
      sustainedFaults.set(o, Math.max(sustainedFaults.get(o) ?? 0, rps));
    }
  }
  await Promise.all([clean.stop(), faulty.stop()]);

  printTable(notes);
  console.log(
    `- faults at 64, batch of ${n}: serving ${faultBatch.toFixed(0)} req/s ÷ clean ${cleanBatch.toFixed(0)} = ${(faultBatch / cleanBatch).toFixed(2)}; bare SDK retrying inside its calls: ${(sdkFaults / cleanBatch).toFixed(2)}`,
  );
  for (const o of outstandings) {
    const rps = sustainedFaults.get(o) ?? 0;
    console.log(
      `- faults at 64, sustained ${sustain} s with ${o} requests outstanding: ${rps.toFixed(0)} req/s ÷ clean ${sustainedClean.toFixed(0)} = ${(rps / sustainedClean).toFixed(2)}`,
    );
  }
}

if (process.argv[2] === "--server") {
  const mode = process.argv[3];
  await serve(mode === "faults" || mode === "bounded" ? mode : "clean");
} else {
  await main();
}
