import { LLMError } from "@dataflow/core";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { openaiError } from "./openai-errors.js";

describe("openaiError", () => {
  it("maps API errors by status, with Retry-After", () => {
    const limited = OpenAI.APIError.generate(
      429,
      { error: { message: "slow down" } },
      undefined,
      new Headers({ "retry-after": "2" }),
    );
    expect(openaiError(limited)).toMatchObject({ kind: "rate-limited", status: 429, retryAfterMs: 2_000 });
    expect(openaiError(limited).message).toBe("429 slow down");
    const ms = OpenAI.APIError.generate(429, undefined, "x", new Headers({ "retry-after-ms": "150" }));
    expect(openaiError(ms).retryAfterMs).toBe(150);
    expect(openaiError(OpenAI.APIError.generate(500, undefined, "boom", new Headers()))).toMatchObject({
      kind: "transport",
      status: 500,
    });
    expect(openaiError(OpenAI.APIError.generate(408, undefined, "slow", new Headers())).kind).toBe("timeout");
    expect(openaiError(OpenAI.APIError.generate(409, undefined, "busy", new Headers())).kind).toBe(
      "transport",
    );
    expect(
      openaiError(
        OpenAI.APIError.generate(400, { error: { error: { message: "bad" } } }, undefined, new Headers()),
      ).kind,
    ).toBe("bad-request");
    expect(openaiError(OpenAI.APIError.generate(401, undefined, "no", new Headers())).kind).toBe(
      "bad-request",
    );
  });

  it("maps connection failures, timeouts and the plain errors the SDK lets through", () => {
    expect(openaiError(new OpenAI.APIConnectionTimeoutError()).kind).toBe("timeout");
    const refused = new OpenAI.APIConnectionError({ cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
    expect(openaiError(refused)).toMatchObject({ kind: "transport" });
    expect(openaiError(refused).message).toContain("ECONNREFUSED");
    expect(openaiError(new TypeError("terminated")).message).toMatch(
      /closed before the response was complete/,
    );
    expect(openaiError(new SyntaxError("Unexpected end of JSON input"))).toMatchObject({ kind: "transport" });
    expect(openaiError(new Error("odd"))).toMatchObject({ kind: "transport" });
    const typed = new LLMError("bad-output", "x");
    expect(openaiError(typed)).toBe(typed);
  });
});
