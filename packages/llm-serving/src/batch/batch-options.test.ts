import { describe, expect, it } from "vitest";
import { BATCH_DEFAULTS, batchOptions } from "./batch-options.js";
import { batchPrices } from "./batch-prices.js";

describe("batchOptions", () => {
  it("is off for undefined and false, OpenAI's limits for true, and overrides what is given", () => {
    expect(batchOptions(undefined)).toBeUndefined();
    expect(batchOptions(false)).toBeUndefined();
    expect(batchOptions(true)).toEqual(BATCH_DEFAULTS);
    expect(BATCH_DEFAULTS).toMatchObject({ maxRequests: 50_000, maxBytes: 200_000_000 });
    expect(batchOptions({ maxRequests: 10, idleMs: 0 })).toMatchObject({
      maxRequests: 10,
      idleMs: 0,
      pollMs: 5_000,
    });
  });

  it("refuses a value that is not a whole number in range, naming it", () => {
    expect(() => batchOptions({ maxBytes: 0 })).toThrow("batch.maxBytes must be a whole number ≥ 1, got 0");
    expect(() => batchOptions({ pollMs: 1.5 })).toThrow(/batch\.pollMs/);
  });
});

describe("batchPrices", () => {
  it("uses batchInput/batchOutput when set, else half of input/output", () => {
    expect(batchPrices(undefined)).toBeUndefined();
    expect(batchPrices({ input: 0.15, output: 0.6 })).toEqual({ input: 0.075, output: 0.3 });
    expect(batchPrices({ input: 0.15, output: 0.6, batchInput: 0.1 })).toEqual({ input: 0.1, output: 0.3 });
    expect(batchPrices({ output: 1 })).toEqual({ output: 0.5 });
  });
});
