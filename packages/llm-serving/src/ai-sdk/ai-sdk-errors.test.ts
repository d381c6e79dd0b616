import { APICallError, InvalidResponseDataError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { aiSdkError } from "./ai-sdk-errors.js";

const callError = (
  statusCode: number | undefined,
  extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {},
) =>
  new APICallError({
    message: `HTTP ${statusCode}`,
    url: "http://127.0.0.1/v1",
    requestBodyValues: {},
    statusCode,
    ...extra,
  });

describe("aiSdkError", () => {
  it("maps API call errors by status, with Retry-After", () => {
    expect(aiSdkError(callError(429, { responseHeaders: { "retry-after": "1" } }))).toMatchObject({
      kind: "rate-limited",
      status: 429,
      retryAfterMs: 1_000,
    });
    expect(aiSdkError(callError(503))).toMatchObject({ kind: "transport", status: 503 });
    expect(aiSdkError(callError(408)).kind).toBe("timeout");
    expect(aiSdkError(callError(422)).kind).toBe("bad-request");
  });

  it("treats an unreadable 200 and a failed connection as transport", () => {
    const invalid = callError(200, { message: "Invalid JSON response", responseBody: '{"id": "x", "cho' });
    expect(aiSdkError(invalid)).toMatchObject({ kind: "transport", raw: '{"id": "x", "cho' });
    expect(aiSdkError(aiSdkError(callError(undefined))).kind).toBe("transport");
    expect(aiSdkError(new InvalidResponseDataError({ data: {}, message: "no choices" })).kind).toBe(
      "transport",
    );
    expect(aiSdkError(new TypeError("terminated")).kind).toBe("transport");
  });

  it("unwraps a RetryError to its last error", () => {
    const err = new RetryError({
      message: "Failed after 3 attempts",
      reason: "maxRetriesExceeded",
      errors: [callError(500), callError(429)],
    });
    expect(aiSdkError(err)).toMatchObject({ kind: "rate-limited", status: 429 });
  });
});
