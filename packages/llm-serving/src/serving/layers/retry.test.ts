import { LLMError, RowError, silentLogger } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import { DeadlinePassed } from "./deadline.js";
import { newCall } from "./layer.js";
import { gaveUp, type RetryOptions, retry } from "./retry.js";

const options = (over: Partial<RetryOptions> = {}): RetryOptions => ({
  maxRetries: 2,
  tuning: { baseDelayMs: 1, maxDelayMs: 5 },
  name: "s",
  logger: silentLogger,
  ...over,
});
const unavailable = () => new LLMError("transport", "HTTP 503", { status: 503 });

describe("retry", () => {
  it("retries a retryable failure up to maxRetries, then says how many attempts were made", async () => {
    let calls = 0;
    const send = retry<string, string>(options())(async () => {
      calls++;
      throw unavailable();
    });
    const err = await send("r", newCall(undefined, undefined)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: "transport",
      status: 503,
      message: "HTTP 503 (gave up after 3 attempts)",
    });
    expect(calls).toBe(3);
  });

  it("answers with the first attempt that succeeds, logging each retry", async () => {
    const logger = { ...silentLogger, debug: vi.fn() };
    let calls = 0;
    const send = retry<string, string>(options({ logger }))(async () => {
      if (++calls < 3) throw unavailable();
      return "ok";
    });
    const call = newCall(undefined, undefined);
    expect(await send("r", call)).toBe("ok");
    expect(call.attempts).toMatchObject({ retries: 2, lastError: { status: 503 } });
    expect(logger.debug.mock.calls[0]?.[0]).toMatch(
      /^serving "s": transport \(HTTP 503\); retry 1 of 2 in \d+ ms$/,
    );
  });

  it("fails what another attempt cannot fix at once, as it is", async () => {
    let calls = 0;
    const refusal = new LLMError("bad-request", "HTTP 404", { status: 404 });
    const send = retry<string, string>(options())(async () => {
      calls++;
      throw refusal;
    });
    await expect(send("r", newCall(undefined, undefined))).rejects.toBe(refusal);
    const bug = new TypeError("not an LLMError");
    await expect(
      retry<string, string>(options())(() => Promise.reject(bug))("r", newCall(undefined, undefined)),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it("gives up when a Retry-After would pass the call's deadline", async () => {
    const send = retry<string, string>(options())(async () => {
      throw new LLMError("rate-limited", "429 slow down", { status: 429, retryAfterMs: 5_000 });
    });
    const call = newCall(undefined, undefined);
    call.attempts.deadline = performance.now() + 1_000;
    const err = await send("r", call).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate-limited", status: 429 });
    expect((err as Error).message).toMatch(/gave up after 1 attempt: its deadline would pass/);
  });

  it("reports the failure before a deadline that passed while the retry waited for a slot", async () => {
    let calls = 0;
    const send = retry<string, string>(options())(async () => {
      if (++calls === 1) throw unavailable();
      throw new DeadlinePassed();
    });
    const err = await send("r", newCall(undefined, undefined)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "transport", status: 503 });
    expect((err as Error).message).toBe(
      "HTTP 503 (gave up after 2 attempts: its deadline passed while it waited for a slot)",
    );
  });

  it("continues the call's count when it is sent again (a re-ask in another form)", async () => {
    let calls = 0;
    const send = retry<string, string>(options())(async () => {
      calls++;
      throw unavailable();
    });
    const call = newCall(undefined, undefined);
    await expect(send("r", call)).rejects.toThrow("gave up after 3 attempts");
    expect(calls).toBe(3);
    // The retries are spent: one more attempt, no more.
    await expect(send("r", call)).rejects.toThrow("gave up after 3 attempts");
    expect(calls).toBe(4);
  });

  it("stops backing off when the caller aborts", async () => {
    const controller = new AbortController();
    const send = retry<string, string>(
      options({ tuning: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.99 } }),
    )(async () => {
      throw unavailable();
    });
    setTimeout(() => controller.abort(), 20);
    const err = await send("r", newCall(controller.signal, undefined)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RowError);
    expect(err).toMatchObject({ kind: "cancelled" });
  });
});

describe("gaveUp", () => {
  it("leaves a first failure as it is, and keeps kind, status, Retry-After and raw output otherwise", () => {
    const err = new LLMError("rate-limited", "429", { status: 429, retryAfterMs: 10, raw: "r" });
    expect(gaveUp(err, 0)).toBe(err);
    expect(gaveUp(err, 1)).toMatchObject({
      kind: "rate-limited",
      status: 429,
      retryAfterMs: 10,
      raw: "r",
      message: "429 (gave up after 2 attempts)",
    });
  });
});
