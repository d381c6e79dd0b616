import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { LocalModelUnavailableError } from "./local-errors.js";
import { LocalTransport, type LocalTransportOptions } from "./local-transport.js";
import { parseModelReference } from "./model-reference.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-local-transport-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tinyModel = join(
  resolve(import.meta.dirname, "../../../../..", "shared"),
  "models",
  "stories260K.gguf",
);
const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

function transport(model: string, over: Partial<LocalTransportOptions> = {}): LocalTransport {
  const reference = parseModelReference(model, tmp);
  return new LocalTransport({
    servingName: "tiny",
    reference,
    embeddingReference: reference,
    sequences: 1,
    stallTimeoutMs: 30_000,
    modelsDir: join(tmp, "models"),
    threads: 1,
    gpu: false,
    env: {},
    logger: logger(),
    progressStream: { write: () => true },
    ...over,
  });
}

describe("LocalTransport", () => {
  it("fails preparing a model it cannot have, once, and every call the same way at once", async () => {
    const log = logger();
    const t = transport("missing.gguf", { logger: log });
    const err = await t.prepare(undefined, "generate").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelUnavailableError);
    const again = await t
      .chat(
        { model: "m", messages: [{ role: "user", content: "hi" }], settings: {} },
        new AbortController().signal,
      )
      .catch((e: unknown) => e);
    expect(again).toBe(err);
    expect(log.error).toHaveBeenCalledTimes(1);
    await t.close();
  });

  it("refuses calls once closed", async () => {
    const t = transport("missing.gguf");
    await t.close();
    await expect(t.prepare(undefined, "embed")).rejects.toThrow('serving "tiny" is closed');
  });

  it.skipIf(!existsSync(tinyModel))(
    "prepares the model, then answers a call with the raw text and its token count",
    async () => {
      const t = transport(tinyModel);
      try {
        await t.prepare(undefined, "generate");
        const ask = {
          model: "m",
          messages: [{ role: "user" as const, content: "Once" }],
          settings: { maxTokens: 4 },
        };
        const raw = await t.chat(ask, new AbortController().signal);
        expect(raw.usage?.completionTokens).toBeGreaterThan(0);
        expect(typeof raw.text).toBe("string");
      } finally {
        await t.close();
      }
    },
  );
});
