import { describe, expect, it } from "vitest";
import { type Layer, newCall, stack } from "./layer.js";

/** A layer that notes its name on the way down and on the way up. */
const noting =
  (name: string, log: string[]): Layer<string, string> =>
  (next) =>
  async (request, call) => {
    log.push(`${name} ↓`);
    const result = await next(`${request}/${name}`, call);
    log.push(`${name} ↑`);
    return result;
  };

describe("stack", () => {
  it("wraps the send in the layers, the first outermost, skipping the unconfigured", async () => {
    const log: string[] = [];
    const send = stack([noting("a", log), undefined, noting("b", log)], async (request) => `sent ${request}`);
    expect(await send("r", newCall(undefined, undefined))).toBe("sent r/a/b");
    expect(log).toEqual(["a ↓", "b ↓", "b ↑", "a ↑"]);
  });
});

describe("newCall", () => {
  it("starts with no attempts, no failure and no deadline", () => {
    const signal = new AbortController().signal;
    const before = performance.now();
    const call = newCall(signal, "step");
    expect(call).toMatchObject({ signal, tag: "step", attempts: { retries: 0, lastError: undefined } });
    expect(call.attempts.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(call.startedAt).toBeGreaterThanOrEqual(before);
  });
});
