import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { LocalModelUnavailableError } from "./local-errors.js";
import { LocalRuntime } from "./local-runtime.js";
import { parseModelReference } from "./model-reference.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const tinyModel = join(resolve(repoRoot, "..", "shared"), "models", "stories260K.gguf");
const haveModel = existsSync(tinyModel);

const tmp = mkdtempSync(join(tmpdir(), "dataflow-runtime-"));
const runtimes: LocalRuntime[] = [];
afterAll(async () => {
  for (const r of runtimes) await r.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function runtime(): LocalRuntime {
  const r = new LocalRuntime({
    servingName: "tiny",
    modelsDir: join(tmp, "models"),
    threads: 1,
    gpu: false,
    env: {},
    logger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  });
  runtimes.push(r);
  return r;
}

describe("LocalRuntime", () => {
  it("loads a file once however it is named, and keeps a failure", async () => {
    const r = runtime();
    const absent = join(tmp, "absent.gguf");
    const first = r.load(parseModelReference(absent));
    const again = r.load(parseModelReference("absent.gguf", tmp));
    expect(again).toBe(first);
    await expect(first).rejects.toBeInstanceOf(LocalModelUnavailableError);
    expect(r.load(parseModelReference(absent))).toBe(first);
  });

  it.skipIf(!haveModel)("gives every user of a model file the same loaded model", async () => {
    const r = runtime();
    const [a, b] = await Promise.all([
      r.load(parseModelReference(tinyModel)),
      r.load(parseModelReference(tinyModel)),
    ]);
    expect(a.model).toBe(b.model);
    expect(a.threads).toBe(1);
    expect(a.llama.gpu).toBe(false);
  });
});
