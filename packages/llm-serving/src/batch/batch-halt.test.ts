import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { ServingHalt } from "../serving/health/serving-halt.js";
import { statusError } from "../serving/llm-errors.js";
import { batchHalt } from "./batch-halt.js";

const at = { name: "teacher", baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "MY_KEY" };

describe("batchHalt", () => {
  it("a refused key stops the run (exit 2) naming the key's variable, wherever it came", () => {
    const halt = batchHalt(statusError(401, "GET /batches/b: bad key"), at, false);
    expect(halt).toBeInstanceOf(ServingHalt);
    expect(halt).toMatchObject({ kind: "unauthorized", exitCode: 2 });
    expect((halt as Error).message).toContain("Set MY_KEY");
  });

  it("a 404 on the first upload is an endpoint without a Batch API; later, and other errors, stay as they are", () => {
    const missing = statusError(404, "POST /files: not found");
    expect(batchHalt(missing, at, true)).toMatchObject({ kind: "not-supported", exitCode: 2 });
    expect((batchHalt(missing, at, true) as Error).message).toMatch(/has no Batch API .*drop batch/);
    expect(batchHalt(missing, at, false)).toBe(missing);
    const busy = statusError(500, "boom");
    expect(batchHalt(busy, at, true)).toBe(busy);
    const plain = new LLMError("transport", "reset");
    expect(batchHalt(plain, at, true)).toBe(plain);
  });
});
