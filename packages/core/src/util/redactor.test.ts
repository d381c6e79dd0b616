import { afterEach, describe, expect, it } from "vitest";
import { PipelineDocument } from "../pipeline/pipeline-document.js";
import { forgetRecordedSecrets, recordedSecretCount, recordSecret, redact, redactValue } from "./redactor.js";

afterEach(() => forgetRecordedSecrets());

describe("redact", () => {
  it("replaces a recorded value everywhere with its variable's name", () => {
    recordSecret("CANARY_API_KEY", "canary-0123456789");
    expect(redact("model canary-0123456789 and again canary-0123456789", {})).toBe(
      "model [redacted CANARY_API_KEY] and again [redacted CANARY_API_KEY]",
    );
  });

  it("ignores values shorter than 8 characters and records a value once", () => {
    recordSecret("SHORT_KEY", "abc1234");
    recordSecret("A_TOKEN", "tok-0123456789");
    recordSecret("B_TOKEN", "tok-0123456789");
    expect(recordedSecretCount()).toBe(1);
    expect(redact("abc1234", {})).toBe("abc1234");
  });

  it("also finds a value as JSON text spells it", () => {
    recordSecret("ODD_TOKEN", 'pa"ss\\word-123');
    const json = JSON.stringify({ model: 'pa"ss\\word-123' });
    expect(redact(json, {})).toBe('{"model":"[redacted ODD_TOKEN]"}');
  });

  it("replaces the longer of two overlapping values first", () => {
    recordSecret("SHORT_KEY", "secret-value");
    recordSecret("LONG_KEY", "secret-value-and-more");
    expect(redact("x secret-value-and-more y", {})).toBe("x [redacted LONG_KEY] y");
  });

  it("still hides values of secret-looking variables in env, and bearer tokens", () => {
    const env = { MY_TOKEN: "tok-abcdefgh123", HOME: "/home/someone-long" };
    expect(redact("t=tok-abcdefgh123 h=/home/someone-long", env)).toBe(
      "t=[redacted MY_TOKEN] h=/home/someone-long",
    );
    expect(redact("Authorization: Bearer abcdefgh12345", {})).toBe("Authorization: Bearer ***");
  });

  it("redacts strings inside JSON-like data, keeping other values", () => {
    recordSecret("CANARY_API_KEY", "canary-0123456789");
    const data = { a: "canary-0123456789", b: [1, "x canary-0123456789"], c: null, d: true };
    expect(redactValue(data, {})).toEqual({
      a: "[redacted CANARY_API_KEY]",
      b: [1, "x [redacted CANARY_API_KEY]"],
      c: null,
      d: true,
    });
  });
});

describe("secrets recorded at interpolation", () => {
  it("records a secret-named variable in any field, and any variable in an apiKey field", () => {
    const env = { CANARY_API_KEY: "canary-0123456789", PLAIN: "plain-value-123", MODEL: "gpt-4o-mini-x" };
    const text = "name: t\nmodel: ${CANARY_API_KEY}\napiKey: ${PLAIN}\nother: ${MODEL}\n";
    const doc = new PipelineDocument("p.yaml", text, env);
    expect(doc.ok).toBe(true);
    expect(redact("canary-0123456789 plain-value-123 gpt-4o-mini-x", {})).toBe(
      "[redacted CANARY_API_KEY] [redacted PLAIN] gpt-4o-mini-x",
    );
    expect(doc.display(["model"], "canary-0123456789")).not.toContain("canary-0123456789");
  });
});
