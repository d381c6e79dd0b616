import { errorKind, LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import type { BatchVectors, EmbedBatch } from "./embed-call.js";
import { embeddingBatches } from "./embedding-batches.js";
import { type Call, newCall } from "./layer.js";

const lengths = async (batch: EmbedBatch): Promise<BatchVectors> => ({
  vectors: batch.texts.map((t) => Float32Array.of(t.length)),
  promptTokens: batch.texts.length,
});

describe("embeddingBatches", () => {
  it("sends the texts `size` to a request, in parallel, each batch a call of its own, answering in order", async () => {
    const calls: Call[] = [];
    let running = 0;
    let most = 0;
    const send = embeddingBatches(2)(async (batch, call) => {
      calls.push(call);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return lengths(batch);
    });
    const caller = newCall(undefined, "t");
    const answer = await send(
      { model: "e", texts: ["a", "bb", "ccc", "dddd", "e"], uses: [1, 1, 1, 1, 1] },
      caller,
    );
    expect(answer.vectors.map((v) => v[0])).toEqual([1, 2, 3, 4, 1]);
    expect(answer).toMatchObject({ promptTokens: 5, cached: 0 });
    expect(most).toBe(3);
    expect(calls.map((c) => c.tag)).toEqual(["t", "t", "t"]);
    // Each batch retries and times out on its own.
    expect(new Set(calls.map((c) => c.attempts)).size).toBe(3);
    expect(calls.every((c) => c.attempts !== caller.attempts)).toBe(true);
  });

  it("stops the other batches when one fails, and waits for them before failing", async () => {
    let running = 0;
    const send = embeddingBatches(1)((batch, call) => {
      if (batch.texts[0] === "bad")
        return Promise.reject(new LLMError("bad-request", "HTTP 400: no", { status: 400 }));
      running++;
      return new Promise((_resolve, reject) =>
        call.signal?.addEventListener("abort", () => {
          running--;
          reject(new Error("aborted"));
        }),
      );
    });
    const err = await send(
      { model: "e", texts: ["slow 1", "bad", "slow 2"], uses: [1, 1, 1] },
      newCall(undefined, undefined),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "bad-request", message: "HTTP 400: no" });
    expect(running).toBe(0);
  });

  it("is cancelled when the caller aborts", async () => {
    const controller = new AbortController();
    const send = embeddingBatches(1)(
      (_batch, call) =>
        new Promise((_r, reject) =>
          call.signal?.addEventListener("abort", () => reject(new Error("stopped"))),
        ),
    );
    setTimeout(() => controller.abort(), 20);
    const err = await send(
      { model: "e", texts: ["a", "b"], uses: [1, 1] },
      newCall(controller.signal, undefined),
    ).catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
  });
});
