import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LLMServingABC } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../../create-serving.js";
import type { ServingConfig, ServingType } from "../../serving-config.js";
import {
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  startChatServer,
} from "../../testing/index.js";
import { ServingHalt } from "../health/serving-halt.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function servers(n: number, options: (i: number) => ChatServerOptions = () => ({})) {
  const list = await Promise.all(Array.from({ length: n }, (_, i) => startChatServer(options(i))));
  cleanup.push(() => Promise.all(list.map((s) => s.close())));
  return list;
}

function serving(
  config: Partial<ServingConfig>,
  warnings: string[] = [],
  cacheDir?: string,
  debug: string[] = [],
) {
  const logger = {
    debug: (m: string) => debug.push(m),
    info: () => {},
    warn: (m: string) => warnings.push(m),
    error: () => {},
  };
  return createServing(
    "teacher",
    {
      type: "openai",
      model: "test-model",
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 12,
      timeoutMs: 5_000,
      maxRetries: 5,
      hedge: false,
      breaker: { failures: 3 },
      ...config,
    },
    {
      env: { OPENAI_API_KEY: "sk-test-key-1234" },
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      logger,
      ...(cacheDir ? { cacheDir } : {}),
    },
  );
}

const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });

function rows(s: LLMServingABC, n: number, prefix = "row") {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => s.generate(ask(`${prefix} ${i}`))));
}

/** Chat requests a server answered with a reply (not cut by its close). */
const replied = (s: ChatServer) => chatRequests(s).filter((r) => r.outcome === "reply" && !r.aborted).length;

describe.each(["openai", "ai-sdk"] as ServingType[])("a %s serving over several endpoints", (type) => {
  it("completes every row when one of three endpoints stops mid-run; the other two absorb its share", async () => {
    let closing: Promise<void> | undefined;
    const holder: { third?: ChatServer } = {};
    const list = await servers(3, (i) => ({
      latencyMs: (req) => {
        // The third endpoint goes away after its 6th request: its sockets are cut, its port refuses.
        if (i === 2 && req.index === 5) closing ??= holder.third?.close();
        return 15;
      },
    }));
    holder.third = list[2];
    const warnings: string[] = [];
    const s = serving({ type, baseURL: list.map((x) => x.url) }, warnings);
    const results = await rows(s, 90);
    await closing;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const [a, b, c] = list.map(replied) as [number, number, number];
    // Every row was answered exactly once (no hedging), by whichever endpoint it landed on.
    expect(a + b + c).toBe(90);
    expect(c).toBeLessThanOrEqual(6);
    expect(a).toBeGreaterThan(30);
    expect(b).toBeGreaterThan(30);
    const stats = s.endpointStats() ?? [];
    expect(stats.map((e) => e.url)).toEqual(list.map((x) => x.url));
    expect(stats[2]).toMatchObject({ inRotation: false, takenOut: 1 });
    expect(stats[2]?.errors).toBeGreaterThanOrEqual(3);
    expect(stats[0]).toMatchObject({ errors: 0, inRotation: true, requests: a });
    expect(stats[1]).toMatchObject({ errors: 0, inRotation: true, requests: b });
    expect(stats[0]?.p50Ms).toBeGreaterThan(0);
    expect(warnings.some((w) => w.includes(`${list[2]?.url}`) && w.includes("taken out of rotation"))).toBe(
      true,
    );
  });

  it("spreads requests evenly, and by weight", async () => {
    const list = await servers(3, () => ({ latencyMs: 10 }));
    const even = serving({ type, baseURL: list.map((x) => x.url) });
    await rows(even, 60);
    expect(list.map(replied).every((n) => n >= 10)).toBe(true);
    const weighted = await servers(2, () => ({ latencyMs: 10 }));
    const s = serving({
      type,
      endpoints: [
        { baseURL: weighted[0]?.url as string, weight: 3 },
        { baseURL: weighted[1]?.url as string, weight: 1, maxConcurrency: 2 },
      ],
    });
    await rows(s, 60);
    const [heavy, light] = weighted.map(replied) as [number, number];
    expect(heavy + light).toBe(60);
    expect(heavy).toBeGreaterThan(light * 2);
    expect(weighted[1]?.maxInFlight).toBeLessThanOrEqual(2);
  });
});

describe("several endpoints", () => {
  it("retries a failed request on another endpoint", async () => {
    const list = await servers(2, (i) => (i === 0 ? { rules: [{ fault: { status: 500 } }] } : {}));
    const debug: string[] = [];
    const config = { baseURL: list.map((x) => x.url), maxConcurrency: 1, breaker: { failures: 100 } };
    const s = serving(config, [], undefined, debug);
    const results = await rows(s, 6);
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    // Each request that hit the failing endpoint went to the other one next, not back to it.
    const prompts = chatRequests(list[0] as ChatServer).map((r) => JSON.stringify(r.body));
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(replied(list[1] as ChatServer)).toBe(6);
    // Without the backoff meant for the endpoint that failed: the other one was free.
    const retries = debug.filter((m) => m.includes("retry 1 of 5"));
    expect(retries.length).toBe(chatRequests(list[0] as ChatServer).length);
    expect(retries.every((m) => m.endsWith("now, on another endpoint"))).toBe(true);
  });

  it("hedges a hung request onto another endpoint", async () => {
    const list = await servers(2, (i) => ({
      latencyMs: 5,
      ...(i === 0 ? { rules: [{ match: "slow", fault: "hang" as const }] } : {}),
    }));
    const hedge = { minDelayMs: 50, minSamples: 10 } as NonNullable<ServingConfig["hedge"]>;
    const s = serving({ baseURL: list.map((x) => x.url), maxConcurrency: 4, timeoutMs: 30_000, hedge });
    // Enough answers for the hedge delay, then requests the first endpoint hangs on.
    await rows(s, 30, "warm");
    const slow = await rows(s, 4, "slow");
    expect(slow.every((r) => r.status === "fulfilled")).toBe(true);
    const slowAt = (x: ChatServer) => chatRequests(x).filter((r) => JSON.stringify(r.body).includes("slow"));
    const hung = slowAt(list[0] as ChatServer);
    // Some started on the hanging endpoint; each was hedged once, onto the other one.
    expect(hung.length).toBeGreaterThan(0);
    expect(new Set(hung.map((r) => JSON.stringify(r.body))).size).toBe(hung.length);
    expect(slowAt(list[1] as ChatServer).filter((r) => r.outcome === "reply")).toHaveLength(4);
  }, 20_000);

  it("halts at a 401 from any endpoint, naming it and its key variable", async () => {
    const list = await servers(2, (i) => (i === 1 ? { rules: [{ fault: { status: 401 } }] } : {}));
    const s = serving({
      endpoints: [
        { baseURL: list[0]?.url as string },
        { baseURL: list[1]?.url as string, apiKeyEnv: "SECOND_KEY" },
      ],
    });
    const results = await rows(s, 20);
    const halt = results.find((r) => r.status === "rejected" && r.reason instanceof ServingHalt);
    const reason = (halt as PromiseRejectedResult).reason as ServingHalt;
    expect(reason.kind).toBe("unauthorized");
    expect(reason.message).toContain(list[1]?.url);
    expect(reason.message).toContain("SECOND_KEY");
    expect(reason.message).not.toContain("sk-test-key-1234");
  });

  it("stops when every endpoint is unreachable, naming them all", async () => {
    const list = await servers(2);
    await Promise.all(list.map((x) => x.close()));
    const breaker = { failures: 3, unreachableBudgetMs: 300 };
    const results = await rows(serving({ baseURL: list.map((x) => x.url), breaker }), 10);
    const reasons = results.map((r) => (r.status === "rejected" ? r.reason : undefined));
    expect(reasons.every((r) => r instanceof ServingHalt)).toBe(true);
    const halt = reasons[0] as ServingHalt;
    expect(halt.kind).toBe("unreachable");
    for (const x of list) expect(halt.message).toContain(x.url);
  });

  it("caches answers by request, not by the endpoint that gave them", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "endpoints-cache-"));
    cleanup.push(() => rm(cacheDir, { recursive: true, force: true }));
    const list = await servers(3);
    await rows(serving({ baseURL: list.map((x) => x.url) }, [], cacheDir), 12);
    const sent = list.map((x) => chatRequests(x).length).reduce((x, y) => x + y, 0);
    expect(sent).toBe(12);
    // The same rows through the endpoints in another order, and through one of them alone.
    const again = await rows(serving({ baseURL: [...list].reverse().map((x) => x.url) }, [], cacheDir), 12);
    const alone = await rows(serving({ baseURL: list[1]?.url as string }, [], cacheDir), 12);
    for (const r of [...again, ...alone]) expect(r.status === "fulfilled" && r.value.fromCache).toBe(true);
    expect(list.map((x) => chatRequests(x).length).reduce((x, y) => x + y, 0)).toBe(12);
  });

  it("spreads embeddings batches over the endpoints too", async () => {
    const list = await servers(2, () => ({ embeddingLatencyMs: 10 }));
    const s = serving({ baseURL: list.map((x) => x.url), embeddingBatchSize: 2 });
    const texts = Array.from({ length: 16 }, (_, i) => `text ${i}`);
    const result = await s.embed(texts);
    expect(result.vectors).toHaveLength(16);
    const [first = 0, second = 0] = list.map(
      (x) => x.requests.filter((r) => r.path.endsWith("/embeddings")).length,
    );
    expect(first + second).toBe(8);
    expect(Math.min(first, second)).toBeGreaterThan(0);
  });

  it("takes one endpoint of `endpoints:` as a single endpoint, its maxConcurrency bounding the serving", async () => {
    const [only] = await servers(1, () => ({ latencyMs: 10 }));
    const s = serving({
      endpoints: [{ baseURL: only?.url as string, maxConcurrency: 2, apiKeyEnv: "OTHER_KEY" }],
    });
    const results = await rows(s, 8);
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(only?.maxInFlight).toBe(2);
    // One endpoint: the single endpoint's breaker, no pool and no per-endpoint stats.
    expect(s.endpointStats()).toBeUndefined();
  });

  it("refuses credentials in an endpoint URL and an endpoint listed twice", async () => {
    expect(() => serving({ baseURL: ["http://u:secret@127.0.0.1:1/v1", "http://127.0.0.1:2/v1"] })).toThrow(
      /credentials in its URL/,
    );
    expect(() => serving({ baseURL: ["http://127.0.0.1:1/v1", "http://127.0.0.1:1/v1/"] })).toThrow(
      /listed twice/,
    );
    expect(() =>
      serving({ baseURL: "http://127.0.0.1:1/v1", endpoints: [{ baseURL: "http://127.0.0.1:2/v1" }] }),
    ).toThrow(/not both/);
    const urls = ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"];
    expect(() => serving({ baseURL: urls, batch: true })).toThrow(
      /batch mode sends to one provider's Batch API/,
    );
  });
});
