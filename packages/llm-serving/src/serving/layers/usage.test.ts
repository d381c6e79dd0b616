import { LLMError, type Usage } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { UsageMeter } from "../usage-meter.js";
import { newCall } from "./layer.js";
import { usage } from "./usage.js";

const reported = { usage: (result: { usage?: Usage }) => result.usage };

describe("usage", () => {
  it("counts every attempt sent as a request, and the tokens of the answers", async () => {
    const meter = new UsageMeter({ input: 1, output: 2 });
    let calls = 0;
    const send = usage<string, { usage?: Usage }>(
      meter,
      reported,
    )(async () => {
      if (++calls === 1) throw new LLMError("transport", "HTTP 503", { status: 503 });
      return { usage: { promptTokens: 10, completionTokens: 5 } };
    });
    await expect(send("r", newCall(undefined, "step"))).rejects.toThrow("HTTP 503");
    await send("r", newCall(undefined, "step"));
    await send("r", newCall(undefined, undefined));
    expect(meter.snapshot().byTag.step).toEqual({
      requests: 2,
      cached: 0,
      promptTokens: 10,
      completionTokens: 5,
      cost: 0.00002,
    });
    expect(meter.snapshot().total).toMatchObject({ requests: 3, promptTokens: 20, completionTokens: 10 });
  });

  it("adds no tokens for an answer that reports none", async () => {
    const meter = new UsageMeter();
    await usage<string, { usage?: Usage }>(meter, reported)(async () => ({}))("r", newCall(undefined, "t"));
    expect(meter.snapshot().byTag.t).toEqual({
      requests: 1,
      cached: 0,
      promptTokens: 0,
      completionTokens: 0,
    });
  });
});
