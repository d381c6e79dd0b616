import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { ServingConfig } from "../serving-config.js";

// Records when anything imports node-llama-cpp (its native addon loads with it).
const loaded = vi.hoisted(() => vi.fn());
vi.mock("node-llama-cpp", () => {
  loaded();
  return {};
});

const config: ServingConfig = {
  type: "openai",
  model: "m",
  apiKeyEnv: "OPENAI_API_KEY",
  maxConcurrency: 2,
  timeoutMs: 1_000,
  maxRetries: 0,
};

const tmp = mkdtempSync(join(tmpdir(), "dataflow-lazy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("node-llama-cpp is loaded lazily", () => {
  it("importing the package, creating servings (local too) does not load it; a local request does", async () => {
    const { createServing } = await import("../index.js");
    createServing("remote", config, { env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" } });
    // A file that is there, so no download is attempted.
    const model = join(tmp, "m.gguf");
    writeFileSync(model, "GGUF");
    const local = createServing("local", { ...config, type: "auto", model }, { env: {} });
    expect(loaded).not.toHaveBeenCalled();
    // The request fails (the mock has nothing in it); what matters is that it was imported for it.
    await local.generate({ messages: [{ role: "user", content: "hi" }] }).catch(() => {});
    expect(loaded).toHaveBeenCalledTimes(1);
    await local.close();
  });
});
