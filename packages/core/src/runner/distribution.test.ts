import { describe, expect, it } from "vitest";
import { Distribution, histogram } from "./distribution.js";

describe("Distribution histogram", () => {
  it("gives small whole-number ranges one bin per value, centred on it", () => {
    expect(histogram([1, 2, 2, 3, 3, 3], 1, 3)).toEqual({ lo: 0.5, width: 1, counts: [1, 2, 3], sampled: 6 });
  });

  it("splits real values into 20 equal bins from min to max; the max falls in the last bin", () => {
    const h = histogram([0, 0.5, 9.99, 10], 0, 10);
    expect(h.counts).toHaveLength(20);
    expect(h.width).toBe(0.5);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[19]).toBe(2);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it("is in the summary, counting every value while they fit the reservoir", () => {
    const d = new Distribution(4);
    for (const v of [100, 130, 250, 400, 410, 900]) d.add(v);
    const s = d.summary();
    expect(s?.count).toBe(6);
    expect(s?.histogram.sampled).toBe(4);
    expect(s?.histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s?.histogram.lo).toBe(100);
  });
});
