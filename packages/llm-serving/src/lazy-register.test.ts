import { OperatorRegistry, silentLogger } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { register } from "./lazy-register.js";
import { OpenAIServing } from "./openai/openai-serving.js";

describe("the lazy serving kinds (@dataflow/llm-serving/lazy)", () => {
  it("register every type with its schema; create works once load() has imported the servings", async () => {
    const r = new OperatorRegistry();
    register(r);
    expect(r.servingKinds.names()).toEqual(["ai-sdk", "auto", "local", "openai"]);
    expect(r.servingKinds.defaultKind()?.type).toBe("auto");
    const kind = r.servingKinds.require("openai");
    const config = { type: "openai", model: "m", baseURL: "http://127.0.0.1:9/v1" };
    const context = { env: {}, logger: silentLogger };
    await kind.load?.();
    expect(kind.create("t", config, context)).toBeInstanceOf(OpenAIServing);
  });
});
