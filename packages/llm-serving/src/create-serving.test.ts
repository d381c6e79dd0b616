import type { ServingConfig } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import { AiSdkServing } from "./ai-sdk/ai-sdk-serving.js";
import { createServing } from "./create-serving.js";
import { OpenAIServing } from "./openai/openai-serving.js";

const config = (over: Partial<ServingConfig> = {}): ServingConfig => ({
  type: "auto",
  model: "m",
  apiKeyEnv: "OPENAI_API_KEY",
  maxConcurrency: 8,
  timeoutMs: 1_000,
  maxRetries: 1,
  ...over,
});

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe("createServing", () => {
  it("builds the serving type the config names", () => {
    const env = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };
    expect(createServing("a", config({ type: "openai" }), { env })).toBeInstanceOf(OpenAIServing);
    const ai = createServing("b", config({ type: "ai-sdk" }), { env });
    expect(ai).toBeInstanceOf(AiSdkServing);
    expect(ai).toMatchObject({ name: "b", model: "m", maxConcurrency: 8 });
  });

  it("auto picks the openai serving when an endpoint or a key is set, and says so", () => {
    const log = logger();
    const serving = createServing("s", config(), {
      env: { OPENAI_BASE_URL: "http://localhost:8000/v1" },
      logger: log,
    });
    expect(serving).toBeInstanceOf(OpenAIServing);
    expect(log.info).toHaveBeenCalledWith('serving "s": auto → openai, model m at http://localhost:8000/v1');
    expect(createServing("s", config({ baseURL: "http://127.0.0.1:1/v1" }), { env: {} })).toBeInstanceOf(
      OpenAIServing,
    );
    expect(createServing("s", config(), { env: { OPENAI_API_KEY: "sk-x" } })).toBeInstanceOf(OpenAIServing);
  });

  it("auto with nothing configured is a clear error saying what to set", () => {
    expect(() => createServing("s", config(), { env: {} })).toThrow(
      /no LLM endpoint is configured.*OPENAI_BASE_URL.*OPENAI_API_KEY.*not available yet/s,
    );
  });

  it("treats an empty baseURL (an unset ${OPENAI_BASE_URL:-}) as unset", () => {
    expect(() => createServing("s", config({ baseURL: "" }), { env: {} })).toThrow(/no LLM endpoint is configured/);
    const log = logger();
    createServing("s", config({ baseURL: "" }), { env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }, logger: log });
    expect(log.info).toHaveBeenCalledWith('serving "s": auto → openai, model m at http://127.0.0.1:9/v1');
  });

  it("local is not available yet", () => {
    expect(() => createServing("s", config({ type: "local" }), { env: {} })).toThrow(
      /type local .*not available yet/,
    );
  });

  it("needs a key for the OpenAI API only; warns when a remote endpoint gets none", () => {
    expect(() => createServing("s", config({ type: "openai" }), { env: {} })).toThrow(
      /OPENAI_API_KEY is not set/,
    );
    const log = logger();
    createServing("s", config({ type: "openai", baseURL: "https://user:pw@llm.internal/v1" }), {
      env: {},
      logger: log,
    });
    expect(log.warn).toHaveBeenCalledWith(
      'serving "s": OPENAI_API_KEY is not set; calling https://llm.internal/v1 without an API key',
    );
    expect(JSON.stringify(log.info.mock.calls)).not.toContain("pw@");
  });

  it("takes baseURL from the config first, then OPENAI_BASE_URL", () => {
    const log = logger();
    createServing("s", config({ type: "openai", baseURL: "http://127.0.0.1:1/v1" }), {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:2/v1" },
      logger: log,
    });
    expect(log.info.mock.calls[0]?.[0]).toContain("127.0.0.1:1");
  });
});
