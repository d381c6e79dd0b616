import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { forgetRecordedSecrets } from "@dataflow/core";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const pipeline = resolve(import.meta.dirname, "testdata", "secret-canary.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-canary-"));
afterAll(() => {
  if (!process.env.KEEP_CANARY) rmSync(tmp, { recursive: true, force: true });
  forgetRecordedSecrets();
});

/** A value that occurs nowhere else, so any occurrence is a leak. */
const CANARY = `canary-${process.pid}-7f3a9c2e5b`;

describe("a secret interpolated into a non-secret field", () => {
  it("never reaches stdout, stderr, the output, rejects, manifest or caches", async () => {
    const server = await startChatServer({
      rules: [
        // The model name echoed back, as many servers do in errors: a reject's message then holds it.
        { match: /Bees/, fault: { status: 400, message: `unknown model ${CANARY}` } },
        { match: /Summarise/, reply: (req) => `about ${req.prompt.length} chars` },
      ],
    });
    try {
      const env = {
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: "sk-test-secret-123456",
        CANARY_API_KEY: CANARY,
      };
      const args = [
        "run",
        pipeline,
        "--output",
        join(tmp, "out", "rows.jsonl"),
        "--set",
        `cache.dir=${join(tmp, "cache")}`,
      ];
      const texts: string[] = [];
      for (const extra of [[], ["--json"], ["--fresh"]]) {
        const c = captureIO(env);
        const code = await runCli([...args, ...extra], c.io);
        expect(code, c.stderr() + c.stdout()).toBe(0);
        texts.push(c.stdout(), c.stderr());
      }
      // Redacted cache entries still answer: the --fresh run reuses them.
      expect(texts[4]).toMatch(/summarise: 1 requests \(3 from cache\)/);
      // The server did see the real model: redaction is on what is printed and stored, not what is sent.
      expect(server.requests.some((r) => JSON.stringify(r.body ?? "").includes(CANARY))).toBe(true);
      const files = readAllFiles(tmp);
      expect(files.length).toBeGreaterThan(3);
      expect(files.some((f) => f.text.includes("[redacted CANARY_API_KEY]"))).toBe(true);
      for (const text of texts) expect(text).not.toContain(CANARY);
      for (const f of files) expect(f.text, f.path).not.toContain(CANARY);
    } finally {
      await server.close();
    }
  });
});

/** Every file under `dir`, gzip'd ones unpacked. */
function readAllFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...readAllFiles(path));
    else {
      const bytes = readFileSync(path);
      const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
      out.push({ path, text: (gz ? gunzipSync(bytes) : bytes).toString("utf8") });
    }
  }
  return out;
}
