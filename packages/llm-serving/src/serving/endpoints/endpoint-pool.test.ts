import { RowError, silentLogger } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { ServingHalt } from "../health/serving-halt.js";
import { EndpointPool } from "./endpoint-pool.js";
import type { PoolEndpoint } from "./pool-member.js";

const at = (n: number, extra: Partial<PoolEndpoint>[] = []): PoolEndpoint[] =>
  Array.from({ length: n }, (_, i) => ({
    baseURL: `http://127.0.0.1:${9000 + i}/v1`,
    apiKeyEnv: "K",
    ...extra[i],
  }));

function pool(endpoints: PoolEndpoint[], breaker = {}) {
  return new EndpointPool(endpoints, { servingName: "t", logger: silentLogger, breaker });
}

describe("EndpointPool", () => {
  it("sends each request to the endpoint with the fewest in flight", async () => {
    const p = pool(at(3));
    const picked: number[] = [];
    for (let i = 0; i < 6; i++) picked.push((await p.acquire(undefined, undefined)).index);
    expect([0, 1, 2].map((i) => picked.filter((x) => x === i).length)).toEqual([2, 2, 2]);
    p.release(1);
    p.release(1);
    expect((await p.acquire(undefined, undefined)).index).toBe(1);
  });

  it("balances in-flight requests by weight", async () => {
    const p = pool(at(2, [{ weight: 3 }, { weight: 1 }]));
    const picked: number[] = [];
    for (let i = 0; i < 8; i++) picked.push((await p.acquire(undefined, undefined)).index);
    expect(picked.filter((x) => x === 0)).toHaveLength(6);
    expect(picked.filter((x) => x === 1)).toHaveLength(2);
  });

  it("keeps within each endpoint's maxConcurrency: a request waits until one has room", async () => {
    const p = pool(at(2, [{ maxConcurrency: 1 }, { maxConcurrency: 1 }]));
    await p.acquire(undefined, undefined);
    await p.acquire(undefined, undefined);
    let third: number | undefined;
    const waiting = p.acquire(undefined, undefined).then((x) => {
      third = x.index;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBeUndefined();
    p.release(1);
    await waiting;
    expect(third).toBe(1);
  });

  it("sends a call's next attempt to an endpoint it has not failed on", async () => {
    const p = pool(at(3));
    const first = await p.acquire(undefined, undefined);
    p.release(first.index);
    const avoid = new Set([0, 1]);
    expect((await p.acquire(avoid, undefined)).index).toBe(2);
    // Every endpoint failed once: any of them rather than none.
    expect((await p.acquire(new Set([0, 1, 2]), undefined)).index).toBeGreaterThanOrEqual(0);
  });

  it("says whether an endpoint the call has not failed on has room", async () => {
    const p = pool(at(2, [{}, { maxConcurrency: 1 }]));
    expect(p.hasUntried(new Set([0]))).toBe(true);
    await p.acquire(new Set([0]), undefined);
    expect(p.hasUntried(new Set([0]))).toBe(false);
    expect(p.hasUntried(undefined)).toBe(true);
  });

  it("takes a failing endpoint out, probes it after its cool-down, and puts it back when it answers", async () => {
    const p = pool(at(2), { failures: 2, probeDelayMs: 30 });
    p.failed(1, true, "ECONNREFUSED", false);
    p.failed(1, true, "ECONNREFUSED", false);
    for (let i = 0; i < 4; i++) expect((await p.acquire(undefined, undefined)).index).toBe(0);
    await new Promise((r) => setTimeout(r, 40));
    const probe = await p.acquire(undefined, undefined);
    expect(probe).toMatchObject({ index: 1, probe: true });
    // One probe at a time: the others still go to endpoint 0.
    expect((await p.acquire(undefined, undefined)).index).toBe(0);
    p.answered(1, 5);
    p.release(1);
    const stats = p.stats();
    expect(stats[1]).toMatchObject({ takenOut: 1, errors: 2, inRotation: true });
  });

  it("halts once every endpoint stayed out past the budget, naming them all", async () => {
    const p = pool(at(2), { failures: 1, probeDelayMs: 10_000, unreachableBudgetMs: 50 });
    p.failed(0, true, "ECONNREFUSED", false);
    p.failed(1, true, "ECONNREFUSED", false);
    const err = await p.acquire(undefined, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServingHalt);
    expect((err as ServingHalt).kind).toBe("unreachable");
    expect((err as ServingHalt).message).toContain("http://127.0.0.1:9000/v1, http://127.0.0.1:9001/v1");
  });

  it("stops a waiting request when its caller aborts", async () => {
    const p = pool(at(1, [{ maxConcurrency: 1 }]));
    await p.acquire(undefined, undefined);
    const controller = new AbortController();
    const waiting = p.acquire(undefined, controller.signal).catch((e: unknown) => e);
    controller.abort();
    const err = await waiting;
    expect(err).toBeInstanceOf(RowError);
    expect((err as RowError).kind).toBe("cancelled");
  });
});
