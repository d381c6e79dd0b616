import type { Usage } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import { TokenBucket } from "../token-bucket.js";
import { newCall } from "./layer.js";
import { rateLimit } from "./rate-limit.js";

type Answer = { usage?: Usage };
const metering = { estimate: (request: string) => request.length, usage: (result: Answer) => result.usage };
const answer = (promptTokens: number, completionTokens: number) => async (): Promise<Answer> => ({
  usage: { promptTokens, completionTokens },
});

describe("rateLimit", () => {
  it("takes one request per attempt", async () => {
    const requests = new TokenBucket(600);
    const take = vi.spyOn(requests, "take");
    const send = rateLimit<string, Answer>({ requests }, metering)(answer(1, 1));
    await send("abc", newCall(undefined, undefined));
    await send("abc", newCall(undefined, undefined));
    expect(take.mock.calls.map((c) => c[0])).toEqual([1, 1]);
  });

  it("takes a request's estimated tokens, then corrects the bucket by what the answer used", async () => {
    const tokens = new TokenBucket(60_000);
    const take = vi.spyOn(tokens, "take");
    const adjust = vi.spyOn(tokens, "adjust");
    await rateLimit<string, Answer>({ tokens }, metering)(answer(30, 20))(
      "x".repeat(40),
      newCall(undefined, undefined),
    );
    expect(take.mock.calls[0]?.[0]).toBe(40);
    expect(adjust).toHaveBeenCalledWith(10);
    // No usage reported: the estimate stands.
    await rateLimit<string, Answer>({ tokens }, metering)(async () => ({}))(
      "x",
      newCall(undefined, undefined),
    );
    expect(adjust).toHaveBeenCalledTimes(1);
  });

  it("holds an attempt back until the bucket has room, and gives up waiting when the caller aborts", async () => {
    let now = 0;
    const requests = new TokenBucket(60, () => now); // one a second, one in the bucket
    const send = rateLimit<string, Answer>({ requests }, metering)(answer(1, 1));
    await send("a", newCall(undefined, undefined));
    const controller = new AbortController();
    const waiting = send("b", newCall(controller.signal, undefined));
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: "cancelled" });
    now = 1_000;
    await expect(send("c", newCall(undefined, undefined))).resolves.toBeDefined();
  });
});
