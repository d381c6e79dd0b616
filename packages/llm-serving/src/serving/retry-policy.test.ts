import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryable, parseRetryAfter } from "./retry-policy.js";

describe("isRetryable", () => {
  it("retries 408, 409, 429, 5xx, timeouts and transport failures only", () => {
    const status = (kind: LLMError["kind"], s?: number) =>
      isRetryable(new LLMError(kind, "x", s === undefined ? {} : { status: s }));
    expect(status("timeout", 408)).toBe(true);
    expect(status("transport", 409)).toBe(true);
    expect(status("rate-limited", 429)).toBe(true);
    expect(status("transport", 500)).toBe(true);
    expect(status("transport", 503)).toBe(true);
    expect(status("timeout")).toBe(true);
    expect(status("transport")).toBe(true);
    expect(status("bad-request", 400)).toBe(false);
    expect(status("bad-request", 401)).toBe(false);
    expect(status("bad-request", 404)).toBe(false);
    expect(status("bad-output")).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("uses full jitter under a doubling ceiling, capped", () => {
    const tuning = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, undefined, { ...tuning, random: () => 0.999 })).toBeCloseTo(99.9);
    expect(backoffDelay(3, undefined, { ...tuning, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, undefined, { ...tuning, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(2, undefined, { ...tuning, random: () => 0 })).toBe(0);
  });

  it("waits at least Retry-After, plus up to 10%", () => {
    expect(backoffDelay(0, 1_000, { random: () => 0 })).toBe(1_000);
    expect(backoffDelay(5, 1_000, { random: () => 0.999 })).toBeCloseTo(1_099.9);
  });
});

describe("parseRetryAfter", () => {
  it("reads retry-after-ms, seconds and HTTP dates, from Headers or records", () => {
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }))).toBe(2_000);
    expect(parseRetryAfter({ "Retry-After": "0.5" })).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, now)).toBe(3_000);
    expect(parseRetryAfter({ "retry-after": "Wed, 31 Dec 2025 00:00:00 GMT" }, now)).toBe(0);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "soon", "retry-after": "1" }))).toBe(1_000);
    expect(parseRetryAfter({ "retry-after": "whenever" })).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
