import { describe, expect, it } from "vitest";
import { createServing } from "../create-serving.js";
import { LocalServing } from "./local-serving.js";
import { defaultModelsDir } from "./models-dir.js";

describe("defaultModelsDir", () => {
  it("is per user: DATAFLOW_MODELS_DIR, else $XDG_CACHE_HOME/dataflow/models, else ~/.cache/dataflow/models", () => {
    expect(defaultModelsDir({ DATAFLOW_MODELS_DIR: "/m", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/m");
    expect(defaultModelsDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/dataflow/models");
    expect(defaultModelsDir({ XDG_CACHE_HOME: "rel" }, "/home/u")).toBe("/home/u/.cache/dataflow/models");
    expect(defaultModelsDir({}, "/home/u")).toBe("/home/u/.cache/dataflow/models");
  });

  it("is where a local serving downloads, not beside a pipeline's response cache", () => {
    const serving = createServing(
      "t",
      { type: "local", model: "hf:owner/repo/m.gguf" },
      { env: { XDG_CACHE_HOME: "/x" }, cacheDir: "/clone/pipelines/.dataflow/cache/responses" },
    );
    expect(serving).toBeInstanceOf(LocalServing);
    expect((serving as LocalServing).modelsDir).toBe("/x/dataflow/models");
  });
});
