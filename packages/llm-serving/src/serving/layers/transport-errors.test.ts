import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { newCall } from "./layer.js";
import { transportErrors } from "./transport-errors.js";

const toLLMError = (err: unknown) => new LLMError("transport", String(err));
const call = () => newCall(undefined, undefined);

describe("transportErrors", () => {
  it("maps what a transport throws, even synchronously", async () => {
    const send = transportErrors<string, string>(
      toLLMError,
      [],
    )(() => {
      throw new Error("boom");
    });
    await expect(send("r", call())).rejects.toMatchObject({ kind: "transport", message: "Error: boom" });
    const rejecting = transportErrors<string, string>(
      toLLMError,
      [],
    )(() => Promise.reject(new Error("later")));
    await expect(rejecting("r", call())).rejects.toMatchObject({
      kind: "transport",
      message: "Error: later",
    });
  });

  it("keeps a typed error's kind and status, and cuts the secrets out of every error", async () => {
    const secret = "sk-SECRET-123";
    const send = transportErrors<string, string>(toLLMError, [secret])(() =>
      Promise.reject(new LLMError("bad-request", `HTTP 401: bad key ${secret}`, { status: 401 })),
    );
    const err = (await send("r", call()).catch((e: unknown) => e)) as LLMError;
    expect(err).toMatchObject({ kind: "bad-request", status: 401 });
    expect(err.message).not.toContain(secret);
    expect(err.message).toContain("***");
    const mapped = transportErrors<string, string>(toLLMError, [secret])(() =>
      Promise.reject(new Error(secret)),
    );
    expect(((await mapped("r", call()).catch((e: unknown) => e)) as Error).message).not.toContain(secret);
  });

  it("passes answers through as they are", async () => {
    const send = transportErrors<string, string>(toLLMError, [])(async (request) => `ok ${request}`);
    expect(await send("r", call())).toBe("ok r");
  });
});
