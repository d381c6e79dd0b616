import { errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { ConcurrencyLimiter } from "./concurrency-limiter.js";

/** Records `name` when the slot is granted, passing the release function on. */
const noting =
  (order: string[], name: string) =>
  (release: () => void): (() => void) => {
    order.push(name);
    return release;
  };

const tick = () => new Promise((r) => setImmediate(r));

describe("ConcurrencyLimiter", () => {
  it("admits up to the limit, then queues first come, first served", async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: string[] = [];
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    expect(limiter.inUse).toBe(2);
    const c = limiter.acquire().then(noting(order, "c"));
    const d = limiter.acquire().then(noting(order, "d"));
    await tick();
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot only
    await tick();
    expect(order).toEqual(["c"]);
    b();
    await tick();
    expect(order).toEqual(["c", "d"]);
    (await c)();
    (await d)();
    expect(limiter.inUse).toBe(0);
  });

  it("serves priority waiters (retries) before fresh ones", async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const order: string[] = [];
    const fresh = limiter.acquire().then(noting(order, "fresh"));
    const retry = limiter.acquire(undefined, true).then(noting(order, "retry"));
    held();
    (await retry)();
    (await fresh)();
    expect(order).toEqual(["retry", "fresh"]);
  });

  it("drops a waiter whose signal aborts, and passes its turn on", async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const cancelled = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort();
    const err = await cancelled.catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
    held();
    (await next)();
    expect(limiter.inUse).toBe(0);
  });

  it("rejects a bad limit", () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
