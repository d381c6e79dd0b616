import { errorKind } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { allOrNothing } from "./all-or-nothing.js";

/** A job that runs until its signal aborts, noting that it stopped. */
const untilAborted = (stopped: string[], name: string) => (signal: AbortSignal) =>
  new Promise<string>((_resolve, reject) =>
    signal.addEventListener("abort", () => {
      stopped.push(name);
      reject(new Error(`${name} stopped`));
    }),
  );

describe("allOrNothing", () => {
  it("answers every job's value, in order", async () => {
    const values = await allOrNothing(
      [async () => 1, () => new Promise<number>((r) => setTimeout(() => r(2), 10)), async () => 3],
      undefined,
    );
    expect(values).toEqual([1, 2, 3]);
  });

  it("stops the others at the first failure, and fails with it once they have settled", async () => {
    const stopped: string[] = [];
    const failure = new Error("first");
    const err = await allOrNothing(
      [untilAborted(stopped, "a"), () => Promise.reject(failure), untilAborted(stopped, "b")],
      undefined,
    ).catch((e: unknown) => e);
    expect(err).toBe(failure);
    expect(stopped.sort()).toEqual(["a", "b"]);
  });

  it("is cancelled when the caller aborts, stopping every job", async () => {
    const stopped: string[] = [];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const err = await allOrNothing(
      [untilAborted(stopped, "a"), untilAborted(stopped, "b")],
      controller.signal,
    ).catch((e: unknown) => e);
    expect(errorKind(err)).toBe("cancelled");
    expect(stopped.sort()).toEqual(["a", "b"]);
  });
});
