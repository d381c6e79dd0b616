import { errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("spreads a per-minute limit: one second's worth at once, then the refill rate", async () => {
    const bucket = new TokenBucket(600); // 10 per second, burst 10
    const start = performance.now();
    await Promise.all(Array.from({ length: 13 }, () => bucket.take(1)));
    const elapsed = performance.now() - start;
    // 10 at once, 3 more at 100 ms each.
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it("lets a take larger than the burst through when full, leaving debt", async () => {
    const bucket = new TokenBucket(600_000); // 10,000 per second, burst 10,000
    const start = performance.now();
    await bucket.take(15_000);
    await bucket.take(1); // waits for the 5,000 of debt: half a second
    expect(performance.now() - start).toBeGreaterThanOrEqual(450);
  });

  it("never refunds past the burst, and cancels a waiting take", async () => {
    const now = 0;
    const bucket = new TokenBucket(60, () => now); // 1 per second
    bucket.adjust(-5); // refunds never exceed the burst
    await bucket.take(1);
    const controller = new AbortController();
    const waiting = bucket.take(1, controller.signal);
    controller.abort();
    expect(errorKind(await waiting.catch((e: unknown) => e))).toBe("cancelled");
  });
});
