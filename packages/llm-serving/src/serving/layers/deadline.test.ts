import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { DeadlinePassed, deadline } from "./deadline.js";
import { newCall } from "./layer.js";

describe("deadline", () => {
  it("starts the call's clock when its first attempt goes out, once", async () => {
    const call = newCall(undefined, undefined);
    const send = deadline<string, string>(1_000)(async () => "ok");
    const before = performance.now();
    await send("r", call);
    const first = call.attempts.deadline;
    expect(first).toBeGreaterThanOrEqual(before + 1_000);
    expect(first).toBeLessThan(performance.now() + 1_000);
    await send("r", call);
    expect(call.attempts.deadline).toBe(first);
  });

  it("refuses a retry that would start past it, but never a first attempt", async () => {
    let sent = 0;
    const send = deadline<string, string>(0)(async () => `sent ${++sent}`);
    const call = newCall(undefined, undefined);
    expect(await send("r", call)).toBe("sent 1");
    call.attempts.lastError = new LLMError("rate-limited", "429");
    await expect(send("r", call)).rejects.toBeInstanceOf(DeadlinePassed);
    expect(sent).toBe(1);
  });
});
