import {
  compilePipeline,
  type KindConfig,
  OperatorRegistry,
  registerCoreOperators,
  silentLogger,
} from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { AiSdkServing } from "./ai-sdk/ai-sdk-serving.js";
import { LocalServing } from "./local/local-serving.js";
import { OpenAIServing } from "./openai/openai-serving.js";
import { register } from "./register.js";

function registry(): OperatorRegistry {
  const r = new OperatorRegistry();
  registerCoreOperators(r);
  r.use({ register }, "@dataflow/llm-serving");
  return r;
}

async function compile(servings: string, r = registry()) {
  const yaml = `name: s\nsource: { path: in.jsonl, columns: [text] }\nservings:\n${servings}\nsteps:\n  - { id: x, op: core/limit, params: { n: 1 } }\n`;
  const { plan, diagnostics } = await compilePipeline(yaml, "/p/s.yaml", { registry: r, env: {} });
  return {
    plan,
    problems: diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`),
  };
}

describe("the serving types this package registers", () => {
  it("are auto (the default), openai, ai-sdk and local, each block checked against its schema", async () => {
    const r = registry();
    expect(r.servingKinds.names()).toEqual(["ai-sdk", "auto", "local", "openai"]);
    expect(r.servingKinds.defaultKind()?.type).toBe("auto");
    const { problems } = await compile(
      "  a: { model: m }\n  b: { type: opena, model: m }\n  c: { type: local, model: m.gguf, threads: 0 }",
      r,
    );
    expect(problems).toEqual([
      '5:14 pipeline: servings.b.type is "opena", not one of "ai-sdk", "auto", "local", "openai" | did you mean "openai"?',
      "6:45 pipeline: servings.c.threads must be >= 1 (got 0) | expected: local: CPU threads (default: the cores available)",
    ]);
  });

  it("fill their defaults, and build the serving their type names through the registry", async () => {
    const r = registry();
    const { plan, problems } = await compile(
      "  a: { model: m }\n  b: { type: ai-sdk, model: m }\n  c: { type: local, model: /m/x.gguf, baseURL: '' }",
      r,
    );
    expect(problems).toEqual([]);
    expect(plan?.servings.a).toEqual({
      type: "auto",
      model: "m",
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 16,
      timeoutMs: 120000,
      maxRetries: 5,
      embeddingBatchSize: 64,
    });
    const context = { env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }, logger: silentLogger };
    const build = (name: string) => {
      const config = plan?.servings[name] as KindConfig;
      return r.servingKinds.require(config.type).create(name, config, context);
    };
    expect(build("a")).toBeInstanceOf(OpenAIServing);
    expect(build("b")).toBeInstanceOf(AiSdkServing);
    expect(build("c")).toBeInstanceOf(LocalServing);
  });
});
