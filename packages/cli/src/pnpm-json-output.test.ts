import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-pnpm-s-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `pnpm -s dataflow …` from the repository root, as the README tells users to capture output. */
async function pnpmSilent(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("pnpm", ["-s", "dataflow", ...args], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe("output captured through pnpm -s is clean JSON", () => {
  it("pnpm -s dataflow schema parses as a JSON Schema", async () => {
    const schema = JSON.parse(await pnpmSilent("schema")) as Record<string, unknown>;
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.properties).toHaveProperty("steps");
  }, 60_000);

  it("pnpm -s dataflow run --json parses as the run summary", async () => {
    const out = await pnpmSilent(
      "run",
      "pipelines/example.yaml",
      "--json",
      "--output",
      join(tmp, "example.jsonl"),
      "--set",
      `cache.dir=${join(tmp, "cache")}`,
    );
    const summary = JSON.parse(out) as { status: string; pipeline: string; reconciled: boolean };
    expect(summary).toMatchObject({ status: "ok", pipeline: "example", reconciled: true });
  }, 60_000);
});
