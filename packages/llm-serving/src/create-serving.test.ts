import { existsSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { AiSdkServing } from "./ai-sdk/ai-sdk-serving.js";
import { createServing } from "./create-serving.js";
import { LocalServing } from "./local/local-serving.js";
import { DEFAULT_LOCAL_MODEL } from "./local/model-reference.js";
import { OpenAIServing } from "./openai/openai-serving.js";
import type { ServingConfig } from "./serving-config.js";

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

  it("auto with no endpoint and no key is the local default model, and says why; nothing is loaded", () => {
    const log = logger();
    const serving = createServing("teacher", config({ model: "gpt-4o-mini" }), {
      env: { XDG_CACHE_HOME: "/tmp/never-created/user-cache" },
      logger: log,
      cacheDir: "/tmp/never-created/cache/responses",
    });
    expect(serving).toBeInstanceOf(LocalServing);
    const local = serving as LocalServing;
    expect(local.reference).toMatchObject({
      kind: "uri",
      uri: DEFAULT_LOCAL_MODEL.uri,
      sha256: DEFAULT_LOCAL_MODEL.sha256,
    });
    expect(local.model).toBe(DEFAULT_LOCAL_MODEL.uri);
    // Models are kept once per user, not beside the pipeline's response cache.
    expect(local.modelsDir).toBe("/tmp/never-created/user-cache/dataflow/models");
    expect(existsSync("/tmp/never-created")).toBe(false);
    expect(log.info).toHaveBeenCalledWith(
      `serving "teacher": auto → local, model ${DEFAULT_LOCAL_MODEL.uri} (no OPENAI_BASE_URL or OPENAI_API_KEY set)`,
    );
  });

  it("auto → local takes a GGUF path or model URI from the config, else DATAFLOW_LOCAL_MODEL", () => {
    const env = { DATAFLOW_LOCAL_MODEL: "hf:someone/some-GGUF/model-q4.gguf" };
    const fromEnv = createServing("s", config({ model: "gpt-4o-mini" }), { env }) as LocalServing;
    expect(fromEnv.reference).toEqual({
      kind: "uri",
      uri: env.DATAFLOW_LOCAL_MODEL,
      label: env.DATAFLOW_LOCAL_MODEL,
    });
    const fromConfig = createServing("s", config({ model: "models/tiny.gguf" }), {
      env,
      cwd: "/work",
    }) as LocalServing;
    expect(fromConfig.reference).toMatchObject({ kind: "file", path: "/work/models/tiny.gguf" });
  });

  it("type local uses the config's model; env settings fill what the config lacks, and bad ones are errors", () => {
    const serving = createServing("s", config({ type: "local", model: "/m/tiny.gguf", maxConcurrency: 2 }), {
      env: { OPENAI_API_KEY: "sk-x", DATAFLOW_MODELS_DIR: "/shared/models" },
    }) as LocalServing;
    expect(serving).toBeInstanceOf(LocalServing);
    expect(serving.reference).toMatchObject({ kind: "file", path: "/m/tiny.gguf" });
    expect(serving.maxConcurrency).toBe(2);
    expect(serving.modelsDir).toBe("/shared/models");
    expect(() =>
      createServing("s", config({ type: "local", model: "/m/tiny.gguf" }), {
        env: { DATAFLOW_LOCAL_THREADS: "two" },
      }),
    ).toThrow(/DATAFLOW_LOCAL_THREADS must be a positive integer; got "two"/);
  });

  it("treats an empty baseURL (an unset ${OPENAI_BASE_URL:-}) as unset", () => {
    expect(createServing("s", config({ baseURL: "" }), { env: {} })).toBeInstanceOf(LocalServing);
    const log = logger();
    createServing("s", config({ baseURL: "" }), {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      logger: log,
    });
    expect(log.info).toHaveBeenCalledWith('serving "s": auto → openai, model m at http://127.0.0.1:9/v1');
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

  it("wires the embedding settings into every serving type", () => {
    const env = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };
    const embedding = { embeddingModel: "embed-small", embeddingBatchSize: 16, embeddingDimensions: 256 };
    for (const type of ["openai", "ai-sdk"] as const) {
      const serving = createServing("s", config({ type, ...embedding }), { env });
      expect(serving).toMatchObject({ embeddingModel: "embed-small", embeddingBatchSize: 16 });
      expect(serving.fingerprint()).toEqual({
        model: "m",
        settings: {},
        embeddingModel: "embed-small",
        embeddingDimensions: 256,
      });
    }
    const local = createServing(
      "s",
      config({ type: "local", model: "/m/chat.gguf", embeddingModel: "embed.gguf", embeddingBatchSize: 8 }),
      { env: {}, cwd: "/m" },
    ) as LocalServing;
    expect(local).toMatchObject({ embeddingModel: "embed.gguf", embeddingBatchSize: 8 });
    expect(local.embeddingReference).toMatchObject({ kind: "file", path: "/m/embed.gguf" });
    // Unset: the chat model embeds, in batches of 64, and the fingerprint is as it was.
    const plain = createServing("s", config({ type: "openai" }), { env });
    expect(plain).toMatchObject({ embeddingModel: "m", embeddingBatchSize: 64 });
    expect(plain.fingerprint()).toEqual({ model: "m", settings: {} });
  });

  it("auto → local ignores an API embedding model name, and says so", () => {
    const log = logger();
    const serving = createServing(
      "s",
      config({ model: "/m/chat.gguf", embeddingModel: "text-embedding-3-small" }),
      { env: {}, logger: log },
    ) as LocalServing;
    expect(serving.embeddingModel).toBe("/m/chat.gguf");
    expect(serving.embeddingReference).toBe(serving.reference);
    expect(log.info).toHaveBeenCalledWith(
      'serving "s": embeddingModel text-embedding-3-small is not a GGUF file or model URI; the local model embeds instead',
    );
    const named = createServing("s", config({ model: "/m/chat.gguf", embeddingModel: "/m/e.gguf" }), {
      env: {},
    });
    expect(named.embeddingModel).toBe("/m/e.gguf");
  });
});
