import { forgetRecordedSecrets, redact } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { parseQueueUrl } from "./queue-url.js";

afterEach(() => forgetRecordedSecrets());

describe("parseQueueUrl", () => {
  it("keeps the URL for the client and shows it without the password, which the redactor then hides", () => {
    const address = parseQueueUrl("redis://worker:s3cret-pass-42@10.0.0.5:6380/2");
    expect(address.url).toBe("redis://worker:s3cret-pass-42@10.0.0.5:6380/2");
    expect(address.shown).toBe("redis://worker:***@10.0.0.5:6380/2");
    expect(redact("connecting with s3cret-pass-42", {})).not.toContain("s3cret-pass-42");
  });

  it("shows a URL without a password as it is", () => {
    expect(parseQueueUrl("redis://127.0.0.1:6379").shown).toBe("redis://127.0.0.1:6379");
  });

  it("refuses what is not a redis URL, saying the form expected", () => {
    expect(() => parseQueueUrl("localhost:6379")).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueUrl("not a url")).toThrow(/is not a URL: write redis:\/\/HOST:PORT/);
    // The message shows the URL it refuses, password hidden.
    expect(() => parseQueueUrl("http://:pw-long-enough@h:1")).toThrow(
      "--queue http://:***@h:1/: expected a redis://",
    );
  });
});
