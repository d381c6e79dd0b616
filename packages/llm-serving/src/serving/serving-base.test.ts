import { LLMError, errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import {
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "./serving-base.js";

/** A serving whose transport is a function, to test the middleware without HTTP. */
class FakeServing extends ServingBase {
  calls: TransportRequest[] = [];

  constructor(
    private readonly reply: (request: TransportRequest, call: number) => Promise<TransportResult>,
    options: Partial<ServingBaseOptions> = {},
  ) {
    super({ name: "fake", model: "m", maxConcurrency: 2, timeoutMs: 200, maxRetries: 2, ...options });
  }

  protected transport(request: TransportRequest): Promise<TransportResult> {
    this.calls.push(request);
    return this.reply(request, this.calls.length);
  }

  protected toLLMError(err: unknown): LLMError {
    return new LLMError("transport", String(err));
  }
}

const ask = { messages: [{ role: "user" as const, content: "hi" }] };
const never = () => new Promise<TransportResult>(() => {});

describe("ServingBase", () => {
  it("times out a transport that ignores its abort signal", async () => {
    const serving = new FakeServing(never, { maxRetries: 0 });
    await expect(serving.generate(ask)).rejects.toMatchObject({ kind: "timeout" });
  });

  it("returns at once on the caller's abort, whatever the transport does", async () => {
    const serving = new FakeServing(never, { timeoutMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await serving.generate(ask, { signal: controller.signal }).catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
  });

  it("leaves timing an attempt to a transport that bounds its own (transportTimesOut)", async () => {
    const slow = () => new Promise<TransportResult>((r) => setTimeout(() => r({ text: "late" }), 300));
    const serving = new FakeServing(slow, { maxRetries: 0, timeoutMs: 100, transportTimesOut: true });
    expect((await serving.generate(ask)).text).toBe("late");
  });

  it("prepares once per uncached request, before any attempt; its failure fails the request as it is", async () => {
    class Preparing extends FakeServing {
      prepared = 0;
      failure: Error | undefined;
      protected override async prepare(): Promise<void> {
        this.prepared++;
        if (this.failure) throw this.failure;
      }
    }
    const serving = new Preparing(async () => ({ text: "ok" }), { maxRetries: 0 });
    await serving.generate(ask);
    expect([serving.prepared, serving.calls.length]).toEqual([1, 1]);
    serving.failure = new Error("no model");
    await expect(serving.generate(ask)).rejects.toBe(serving.failure);
    expect([serving.prepared, serving.calls.length]).toEqual([2, 1]);
  });

  it("stops waiting for prepare when the caller aborts", async () => {
    class Stuck extends FakeServing {
      protected override prepare(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const err = await new Stuck(async () => ({ text: "ok" }))
      .generate(ask, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
  });

  it("maps what a transport throws, even synchronously", async () => {
    const serving = new FakeServing(
      () => {
        throw new Error("boom");
      },
      { maxRetries: 0 },
    );
    await expect(serving.generate(ask)).rejects.toMatchObject({ kind: "transport", message: "Error: boom" });
  });

  it("gives up when a Retry-After would pass the call's deadline", async () => {
    const serving = new FakeServing(
      async () => {
        throw new LLMError("rate-limited", "429 slow down", { status: 429, retryAfterMs: 5_000 });
      },
      { totalTimeoutMs: 1_000 },
    );
    const err = await serving.generate(ask).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate-limited", status: 429 });
    expect((err as Error).message).toMatch(/gave up after 1 attempt: its deadline would pass/);
  });

  it("merges settings: request over serving defaults, undefined never erasing a default", async () => {
    const serving = new FakeServing(async () => ({ text: "ok" }), { settings: { temperature: 0, seed: 1 } });
    await serving.generate({ ...ask, settings: { temperature: 0.7, seed: undefined } });
    expect(serving.calls[0]?.settings).toEqual({ temperature: 0.7, seed: 1 });
  });
});
