import { errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { newCall, type Send } from "./layer.js";
import { timeout } from "./timeout.js";

const never: Send<string, string> = () => new Promise<string>(() => {});

describe("timeout", () => {
  it("times out a transport that ignores its abort signal, and aborts that signal", async () => {
    let seen: AbortSignal | undefined;
    const send = timeout<string, string>(
      100,
      false,
    )((_request, call) => {
      seen = call.signal;
      return new Promise<string>(() => {});
    });
    await expect(send("r", newCall(undefined, undefined))).rejects.toMatchObject({
      kind: "timeout",
      message: "no answer within 100 ms",
    });
    expect(seen?.aborted).toBe(true);
  });

  it("returns at once on the caller's abort, whatever the transport does", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await timeout<string, string>(
      60_000,
      false,
    )(never)("r", newCall(controller.signal, undefined)).catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
    // Already aborted: nothing is sent.
    let sent = false;
    const late = timeout<string, string>(
      60_000,
      false,
    )(async () => {
      sent = true;
      return "no";
    });
    expect(errorKind(await late("r", newCall(controller.signal, undefined)).catch((e: unknown) => e))).toBe(
      "cancelled",
    );
    expect(sent).toBe(false);
  });

  it("leaves timing an attempt to a transport that bounds its own (transportTimesOut)", async () => {
    const slow: Send<string, string> = () => new Promise((r) => setTimeout(() => r("late"), 300));
    expect(await timeout<string, string>(100, true)(slow)("r", newCall(undefined, undefined))).toBe("late");
  });

  it("cuts an attempt short at the call's deadline", async () => {
    const call = newCall(undefined, undefined);
    call.attempts.deadline = performance.now() + 50;
    const err = await timeout<string, string>(60_000, false)(never)("r", call).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "timeout" });
    expect((err as Error).message).toMatch(/^no answer within (4\d|50) ms$/);
  });

  it("settles with the transport's answer or failure, and keeps the call's attempts", async () => {
    const call = newCall(undefined, "t");
    const send = timeout<string, string>(
      1_000,
      false,
    )(async (request, inner) => {
      expect(inner.attempts).toBe(call.attempts);
      expect(inner.tag).toBe("t");
      return `ok ${request}`;
    });
    expect(await send("r", call)).toBe("ok r");
    const failing = timeout<string, string>(
      1_000,
      false,
    )(() => {
      throw new Error("sync");
    });
    await expect(failing("r", call)).rejects.toThrow("sync");
  });
});
