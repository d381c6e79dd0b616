import { forgetRecordedSecrets, redact } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { checkBaseURL, endpointLabel, isLoopback, PLACEHOLDER_API_KEY, resolveApiKey } from "./endpoint.js";

describe("endpoint helpers", () => {
  it("knows loopback hosts", () => {
    expect(isLoopback("http://127.0.0.1:8000/v1")).toBe(true);
    expect(isLoopback("http://localhost:11434/v1")).toBe(true);
    expect(isLoopback("http://[::1]:8080/v1")).toBe(true);
    expect(isLoopback("http://10.0.0.5:8000/v1")).toBe(false);
    expect(isLoopback("https://api.openai.com/v1")).toBe(false);
    expect(isLoopback("not a url")).toBe(false);
  });

  it("labels endpoints without credentials", () => {
    expect(endpointLabel("https://user:pw@example.com/v1/?key=abc")).toBe("https://example.com/v1");
  });

  it("takes the key from the named variable; a placeholder only away from the OpenAI API", () => {
    expect(resolveApiKey({ MY_KEY: "sk-1" }, "MY_KEY", "https://api.openai.com/v1", "s")).toEqual({
      apiKey: "sk-1",
      placeholder: false,
    });
    expect(resolveApiKey({}, "MY_KEY", "http://127.0.0.1:1/v1", "s")).toEqual({
      apiKey: PLACEHOLDER_API_KEY,
      placeholder: true,
    });
    expect(() => resolveApiKey({}, "MY_KEY", "https://api.openai.com/v1", "s")).toThrow(/MY_KEY is not set/);
  });

  it("checks baseURL before any row: an invalid URL is an error saying what to write", () => {
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(() => checkBaseURL("teacher", "127.0.0.1:8000/v1", logger)).toThrow(
      /not a valid URL|http or https/,
    );
    expect(() => checkBaseURL("teacher", "not a url", logger)).toThrow(
      /serving "teacher": baseURL \(or OPENAI_BASE_URL\) is not a valid URL: "not a url"; write the API root/,
    );
    expect(() => checkBaseURL("teacher", "ftp://host/v1", logger)).toThrow(/http or https/);
    expect(checkBaseURL("teacher", "http://127.0.0.1:8000/v1", logger)).toBe("http://127.0.0.1:8000/v1");
  });

  it("cuts a DataFlow api_url back to the API root, with a warning", () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    expect(checkBaseURL("teacher", "http://127.0.0.1:8000/v1/chat/completions", logger)).toBe(
      "http://127.0.0.1:8000/v1",
    );
    expect(warnings[0]).toContain("ends in /chat/completions");
    expect(warnings[0]).toContain("http://127.0.0.1:8000/v1 ");
  });

  it("records the key as a secret whatever its variable is called", () => {
    resolveApiKey({ LLM_CREDS_PLAIN: "abc-0123456789" }, "LLM_CREDS_PLAIN", "http://127.0.0.1:1/v1", "s");
    expect(redact("sent abc-0123456789", {})).toBe("sent [redacted LLM_CREDS_PLAIN]");
    forgetRecordedSecrets();
  });
});
