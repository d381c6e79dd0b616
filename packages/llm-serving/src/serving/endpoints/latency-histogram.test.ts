import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "./latency-histogram.js";

describe("LatencyHistogram", () => {
  it("has no quantile before any sample", () => {
    expect(new LatencyHistogram().quantile(0.5)).toBeUndefined();
  });

  it("reads p50 and p95 within 5% of the samples' own", () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.add(ms);
    expect(h.count).toBe(1000);
    const p50 = h.quantile(0.5) as number;
    const p95 = h.quantile(0.95) as number;
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThanOrEqual(500 * 1.05);
    expect(p95).toBeGreaterThanOrEqual(950);
    expect(p95).toBeLessThanOrEqual(950 * 1.05);
  });

  it("keeps sub-millisecond and very long latencies in its end buckets", () => {
    const h = new LatencyHistogram();
    h.add(0.2);
    h.add(5_000_000);
    expect(h.quantile(0.5)).toBe(1);
    expect(h.quantile(1)).toBeGreaterThan(600_000);
  });
});
