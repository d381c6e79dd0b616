import { describe, expect, it } from "vitest";
import { huggingFaceFileUrl, probeModelUrl } from "./hub-probe.js";

describe("huggingFaceFileUrl", () => {
  const hub = "https://huggingface.co/";
  it("maps file URIs (with a revision) and hub URLs to the resolve URL", () => {
    expect(
      huggingFaceFileUrl("hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf", hub),
    ).toBe(
      "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    );
    expect(huggingFaceFileUrl("hf:o/r/sub/m.gguf#abc123", "http://127.0.0.1:9")).toBe(
      "http://127.0.0.1:9/o/r/resolve/abc123/sub/m.gguf",
    );
    expect(huggingFaceFileUrl("https://huggingface.co/o/r/resolve/main/m.gguf?download=true", hub)).toBe(
      "https://huggingface.co/o/r/resolve/main/m.gguf",
    );
  });

  it("is undefined where no file is named", () => {
    expect(huggingFaceFileUrl("hf:o/r:Q4_K_M", hub)).toBeUndefined();
    expect(huggingFaceFileUrl("https://example.com/m.gguf", hub)).toBeUndefined();
  });
});

describe("probeModelUrl", () => {
  const answer = (status: number, headers: Record<string, string> = {}) =>
    (async () => new Response(null, { status, headers })) as unknown as typeof fetch;
  it("reads the published sha256 and names refusals", async () => {
    const sha = "a".repeat(64);
    expect(
      await probeModelUrl("https://hub/x.gguf", {}, answer(302, { "x-linked-etag": `"${sha}"` })),
    ).toEqual({
      ok: true,
      sha256: sha,
    });
    expect(await probeModelUrl("https://hub/x.gguf", {}, answer(200, { etag: '"abc"' }))).toEqual({
      ok: true,
    });
    expect(await probeModelUrl("https://hub/x.gguf", {}, answer(404))).toEqual({
      ok: false,
      reason: "https://hub has no such file (404)",
    });
    expect(await probeModelUrl("https://hub/x.gguf", {}, answer(401))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/HF_TOKEN/),
    });
  });
});
