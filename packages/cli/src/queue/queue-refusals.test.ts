import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { runCli } from "../run-cli.js";

const testdata = resolve(import.meta.dirname, "..", "testdata");

async function cli(args: string[]) {
  const c = captureIO({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
  const code = await runCli(args, c.io);
  return { code, stderr: c.stderr() };
}

describe("run --queue refuses what chunks cannot do, before touching Redis", () => {
  it("--limit and --from-step do not combine with --queue", async () => {
    const pipeline = resolve(testdata, "slow-cached.yaml");
    const limit = await cli(["run", pipeline, "--queue", "redis://127.0.0.1:9", "--limit", "3"]);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/--limit does not combine with --queue/);
    const from = await cli(["run", pipeline, "--queue", "redis://127.0.0.1:9", "--from-step", "render"]);
    expect(from.stderr).toMatch(/--from-step does not combine with --queue/);
  });

  it("a queue URL that is not redis:// is an argument error", async () => {
    const r = await cli(["worker", resolve(testdata, "slow-cached.yaml"), "--queue", "http://127.0.0.1:9"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a redis:\/\/ or rediss:\/\/ URL/);
  });

  it("an unreachable queue is an error naming the URL without its password", async () => {
    const r = await cli([
      "worker",
      resolve(testdata, "slow-cached.yaml"),
      "--input",
      resolve(testdata, "notes.jsonl"),
      "--queue",
      "redis://:a-long-queue-password@127.0.0.1:9",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:9/);
    expect(r.stderr).not.toContain("a-long-queue-password");
  });
});
