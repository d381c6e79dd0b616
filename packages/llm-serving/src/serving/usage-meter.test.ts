import { describe, expect, it } from "vitest";
import { UsageMeter } from "./usage-meter.js";

describe("UsageMeter", () => {
  it("totals per tag and overall, with cost only when priced", () => {
    const meter = new UsageMeter({ input: 2, output: 10 });
    meter.request("a");
    meter.tokens("a", { promptTokens: 1_000, completionTokens: 100 });
    meter.request("b");
    meter.request("b");
    meter.tokens("b", { promptTokens: 500_000, completionTokens: 0 });
    meter.cached("b");
    meter.request(undefined);
    const { total, byTag } = meter.snapshot();
    expect(total).toEqual({
      requests: 4,
      cached: 1,
      promptTokens: 501_000,
      completionTokens: 100,
      cost: 1.003,
    });
    expect(byTag.a).toEqual({
      requests: 1,
      cached: 0,
      promptTokens: 1_000,
      completionTokens: 100,
      cost: 0.003,
    });
    expect(byTag.b).toMatchObject({ requests: 2, cached: 1, cost: 1 });
    expect(new UsageMeter().snapshot().total).toEqual({
      requests: 0,
      cached: 0,
      promptTokens: 0,
      completionTokens: 0,
    });
  });
});
