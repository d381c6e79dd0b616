import type { LLMServingABC } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../../create-serving.js";
import {
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  startChatServer,
} from "../../testing/index.js";
import { ServingHalt } from "./serving-halt.js";

const servers: ChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: ChatServerOptions): Promise<ChatServer> {
  const s = await startChatServer(options);
  servers.push(s);
  return s;
}

function serving(
  baseURL: string,
  breaker: Record<string, number> = {},
  warnings: string[] = [],
): LLMServingABC {
  const logger = {
    debug: () => {},
    info: () => {},
    warn: (m: string) => warnings.push(m),
    error: () => {},
  };
  return createServing(
    "teacher",
    {
      type: "openai",
      model: "test-model",
      baseURL,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 4,
      timeoutMs: 5_000,
      maxRetries: 5,
      breaker: { failures: 3, budgetMs: 1_500, unreachableBudgetMs: 600, ...breaker },
    },
    { env: { OPENAI_API_KEY: "sk-test-key-1234" }, retry: { baseDelayMs: 5, maxDelayMs: 20 }, logger },
  );
}

/** `n` rows at once, as a step hands them over; each row's outcome. */
async function rows(s: LLMServingABC, n: number): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(
    Array.from({ length: n }, (_, i) => s.generate({ messages: [{ role: "user", content: `row ${i}` }] })),
  );
}

function halts(results: PromiseSettledResult<unknown>[]): ServingHalt[] {
  return results.flatMap((r) =>
    r.status === "rejected" && r.reason instanceof ServingHalt ? [r.reason] : [],
  );
}

describe("the endpoint's circuit breaker", () => {
  it("halts every row at the first 401, exit 2, naming the URL, the status and the variable", async () => {
    const s = await server({ rules: [{ fault: { status: 401, message: "invalid api key" } }] });
    const results = await rows(serving(s.url), 40);
    const all = halts(results);
    expect(all).toHaveLength(40);
    const halt = all[0] as ServingHalt;
    expect(halt.fatal).toBe(true);
    expect(halt.exitCode).toBe(2);
    expect(halt.kind).toBe("unauthorized");
    expect(halt.message).toContain(s.url);
    expect(halt.message).toContain("HTTP 401");
    expect(halt.message).toContain("OPENAI_API_KEY");
    expect(halt.message).not.toContain("sk-test-key-1234");
    // Only the requests already on the wire (maxConcurrency) were sent, none retried.
    expect(chatRequests(s).length).toBeLessThanOrEqual(4);
  });

  it("halts at a 404 for an unknown model, saying which model and where the list is", async () => {
    const s = await server({
      rules: [{ fault: { status: 404, message: "The model `test-model` does not exist" } }],
    });
    const halt = halts(await rows(serving(s.url), 10))[0] as ServingHalt;
    expect(halt.kind).toBe("model-not-found");
    expect(halt.exitCode).toBe(2);
    expect(halt.message).toContain('no model "test-model"');
    expect(halt.message).toContain(`${s.url}/models`);
  });

  it("opens on server errors in a row, probes, and stops after its budget with exit 1", async () => {
    const s = await server({ rules: [{ fault: { status: 500 } }] });
    const warnings: string[] = [];
    const results = await rows(serving(s.url, {}, warnings), 40);
    const all = halts(results);
    expect(all).toHaveLength(40);
    expect(all[0]?.kind).toBe("circuit-open");
    expect(all[0]?.exitCode).toBe(1);
    expect(all[0]?.message).toMatch(/failed \d+ times in a row/);
    expect(all[0]?.message).toContain("run the same command again to resume");
    expect(warnings.some((w) => w.includes("breaker open"))).toBe(true);
    // Without the breaker: 40 rows × 6 attempts = 240 requests.
    expect(chatRequests(s).length).toBeLessThan(60);
  });

  it("stops fast when nothing listens at the URL, naming it", async () => {
    const closed = await startChatServer();
    await closed.close();
    const all = halts(await rows(serving(closed.url), 20));
    expect(all).toHaveLength(20);
    expect(all[0]?.kind).toBe("unreachable");
    expect(all[0]?.message).toContain(closed.url);
    expect(all[0]?.message).toMatch(/ECONNREFUSED|connect/i);
  });

  it("closes again when a probe is answered: every row completes", async () => {
    const s = await server({ rules: [{ fault: { status: 503 }, times: 6 }] });
    const warnings: string[] = [];
    const results = await rows(serving(s.url, { budgetMs: 10_000 }, warnings), 12);
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(warnings.some((w) => w.includes("breaker open"))).toBe(true);
  });

  it("counts 429s and bad requests as answers: the breaker stays closed", async () => {
    const s = await server({
      rules: [
        { fault: { status: 429 }, times: 4 },
        { fault: { status: 400 }, times: 4 },
      ],
    });
    const warnings: string[] = [];
    const results = await rows(serving(s.url, { failures: 2 }, warnings), 8);
    expect(halts(results)).toHaveLength(0);
    expect(warnings.filter((w) => w.includes("breaker open"))).toHaveLength(0);
  });
});
