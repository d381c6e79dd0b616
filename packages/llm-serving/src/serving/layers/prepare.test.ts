import { errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { newCall } from "./layer.js";
import { prepare } from "./prepare.js";

describe("prepare", () => {
  it("runs before the call goes on; its failure fails the call as it is", async () => {
    const order: string[] = [];
    let failure: Error | undefined;
    const send = prepare<string, string>(async () => {
      order.push("prepare");
      if (failure) throw failure;
    })(async (request) => {
      order.push("send");
      return request;
    });
    expect(await send("r", newCall(undefined, undefined))).toBe("r");
    expect(order).toEqual(["prepare", "send"]);
    failure = new Error("no model");
    await expect(send("r", newCall(undefined, undefined))).rejects.toBe(failure);
    expect(order).toEqual(["prepare", "send", "prepare"]);
  });

  it("stops waiting when the caller aborts, whether or not preparing honours it", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const send = prepare<string, string>(() => new Promise(() => {}))(async (request) => request);
    const err = await send("r", newCall(controller.signal, undefined)).catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
  });

  it("hands the caller's signal to the preparation", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await prepare<string, string>(async (signal) => {
      seen = signal;
    })(async (r) => r)("r", newCall(controller.signal, undefined));
    expect(seen).toBe(controller.signal);
  });
});
