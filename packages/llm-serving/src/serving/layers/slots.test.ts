import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { ConcurrencyLimiter } from "../concurrency-limiter.js";
import { newCall, type Send } from "./layer.js";
import { slots } from "./slots.js";

/** A send whose attempts wait until released by hand. */
function held() {
  const waiting: (() => void)[] = [];
  const order: string[] = [];
  const send: Send<string, string> = (request) =>
    new Promise((resolve) => {
      order.push(request);
      waiting.push(() => resolve(request));
    });
  return { send, waiting, order };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("slots", () => {
  it("holds a slot for one attempt only, and gives it back when the attempt fails", async () => {
    const limiter = new ConcurrencyLimiter(1);
    const failing = slots<string, string>(limiter)(async () => {
      expect(limiter.inUse).toBe(1);
      throw new LLMError("transport", "HTTP 500", { status: 500 });
    });
    await expect(failing("r", newCall(undefined, undefined))).rejects.toThrow("HTTP 500");
    expect(limiter.inUse).toBe(0);
  });

  it("lets a call back from a failure go before fresh ones", async () => {
    const limiter = new ConcurrencyLimiter(1);
    const h = held();
    const send = slots<string, string>(limiter)(h.send);
    const first = send("first", newCall(undefined, undefined));
    const fresh = send("fresh", newCall(undefined, undefined));
    const retried = newCall(undefined, undefined);
    retried.attempts.lastError = new LLMError("rate-limited", "429", { status: 429 });
    const again = send("again", retried);
    await tick();
    for (let i = 0; i < 3; i++) {
      h.waiting.shift()?.();
      await tick();
    }
    await Promise.all([first, fresh, again]);
    expect(h.order).toEqual(["first", "again", "fresh"]);
  });
});
