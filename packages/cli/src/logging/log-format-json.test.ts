import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { runCli } from "../run-cli.js";

const pipeline = resolve(import.meta.dirname, "..", "testdata", "generate.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-log-json-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface LogLine {
  level: string;
  time: number;
  scope: string;
  msg: string;
}

/** One `run --log-format json` against a server that fails the first 2 summaries with HTTP 500. */
async function runJson(
  verbose: boolean,
  name: string,
): Promise<{ code: number; logs: LogLine[]; stderr: string }> {
  const server = await startChatServer({
    rules: [
      { match: /Summarise/, fault: { status: 500 }, times: 2 },
      { match: /Summarise/, reply: "a short summary" },
      { match: /Classify this note/, reply: '{"topic": "kitchen"}' },
    ],
  });
  try {
    const c = captureIO({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-secret-123456" });
    const code = await runCli(
      [
        "run",
        pipeline,
        "--output",
        join(tmp, `${name}.jsonl`),
        "--set",
        `cache.dir=${join(tmp, `cache-${name}`)}`,
        "--set",
        "servings.writer.maxRetries=4",
        "--progress-interval",
        "0.01",
        "--log-format",
        "json",
        ...(verbose ? ["--verbose"] : []),
      ],
      c.io,
    );
    const lines = c.stderr().split("\n");
    const logs = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogLine);
    return { code, logs, stderr: c.stderr() };
  } finally {
    await server.close();
  }
}

describe("dataflow run --log-format json", { timeout: 60_000 }, () => {
  it("writes parseable pino lines, the retries and their cause only with --verbose, no progress lines", async () => {
    const verbose = await runJson(true, "verbose");
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).not.toContain("[progress");
    expect(verbose.stderr).not.toContain("sk-test-secret-123456");
    for (const l of verbose.logs) {
      expect(["debug", "info", "warn", "error"]).toContain(l.level);
      expect(typeof l.time).toBe("number");
      expect(typeof l.scope).toBe("string");
    }
    const retries = verbose.logs.filter((l) => l.level === "debug" && /retry \d of 4/.test(l.msg));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ scope: "serving" });
    expect(retries[0]?.msg).toMatch(/HTTP 500/);
    expect(verbose.logs.some((l) => l.level === "info" && l.scope === "serving")).toBe(true);

    const quiet = await runJson(false, "quiet");
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.logs.length).toBeGreaterThan(0);
    expect(quiet.logs.filter((l) => l.level === "debug")).toEqual([]);
  });
});
