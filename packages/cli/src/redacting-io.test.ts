import { forgetRecordedSecrets, recordSecret } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { redactingIO } from "./redacting-io.js";

afterEach(() => forgetRecordedSecrets());

describe("redactingIO", () => {
  it("redacts recorded secrets and secret-looking env values in every write, strings and buffers", () => {
    const c = captureIO({ SERVICE_TOKEN: "tok-from-env-123" });
    recordSecret("CANARY_API_KEY", "canary-value-42");
    const io = redactingIO(c.io);
    io.stdout.write("model canary-value-42\n");
    io.stderr.write(Buffer.from("token tok-from-env-123\n"));
    expect(c.stdout()).toBe("model [redacted CANARY_API_KEY]\n");
    expect(c.stderr()).toBe("token [redacted SERVICE_TOKEN]\n");
  });

  it("keeps the stream's other properties", () => {
    const c = captureIO();
    Object.assign(c.io.stderr, { isTTY: true, columns: 120 });
    const io = redactingIO(c.io);
    expect(io.stderr.isTTY).toBe(true);
    expect(io.stderr.columns).toBe(120);
    expect(typeof io.stderr.on).toBe("function");
  });
});
