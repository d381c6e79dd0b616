import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chatRequests, startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const pipeline = resolve(import.meta.dirname, "testdata", "generate.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-halt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(name: string, env: Record<string, string>, extra: string[] = []) {
  const c = captureIO(env);
  const code = await runCli(
    [
      "run",
      pipeline,
      "--output",
      join(tmp, `${name}.jsonl`),
      "--set",
      `cache.dir=${join(tmp, `cache-${name}`)}`,
      ...extra,
    ],
    c.io,
  );
  return { code, out: c.stdout() + c.stderr() };
}

describe("a serving that cannot work stops the run", () => {
  it("401: exit 2 and one message naming the URL, the status and the key variable", async () => {
    const server = await startChatServer({ rules: [{ fault: { status: 401, message: "bad key" } }] });
    try {
      const { code, out } = await run("auth", {
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: "sk-wrong-123456",
      });
      expect(code).toBe(2);
      expect(out).toContain(`serving "writer" at ${server.url} answered HTTP 401`);
      expect(out).toContain("Set OPENAI_API_KEY");
      expect(out).not.toContain("sk-wrong-123456");
      // At most the requests on the wire when the first 401 came back (maxConcurrency 4).
      expect(chatRequests(server).length).toBeLessThanOrEqual(4);
    } finally {
      await server.close();
    }
  });

  it("a closed port: exit 1 with a message naming the URL", async () => {
    const server = await startChatServer();
    await server.close();
    const { code, out } = await run("closed", { OPENAI_BASE_URL: server.url }, [
      "--set",
      "servings.writer.breaker.unreachableBudgetMs=500",
    ]);
    expect(code).toBe(1);
    expect(out).toContain(`serving "writer" at ${server.url}: cannot reach the endpoint`);
  });

  it("an invalid base URL: exit 2 before any row is read", async () => {
    const { code, out } = await run("invalid", { OPENAI_BASE_URL: "localhost:8000/v1" });
    expect(code).toBe(2);
    expect(out).toMatch(/baseURL .*(not a valid URL|http or https)/);
  });
});
