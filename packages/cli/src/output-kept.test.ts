import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const testdata = resolve(import.meta.dirname, "testdata");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-kept-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(input: string, output: string) {
  const c = captureIO({});
  const args = ["run", join(testdata, "text-only.yaml"), "--input", input, "--output", output];
  const code = await runCli([...args, "--set", `cache.dir=${join(tmp, "cache")}`], c.io);
  return { code, stdout: c.stdout() };
}

describe("a failed run keeps the previous output", () => {
  it("leaves an earlier output in place when the reject rate fails the run, and says so", async () => {
    const output = join(tmp, "out.jsonl");
    const good = join(tmp, "good.jsonl");
    writeFileSync(good, '{"text":"one"}\n{"text":"two"}\n');
    expect((await run(good, output)).code).toBe(0);
    const before = readFileSync(output);

    // Half the rows are bad JSON: above text-only.yaml's maxRejectRate of 20%.
    const mixed = join(tmp, "mixed.jsonl");
    writeFileSync(mixed, '{"text":"three"}\n{"text":\n');
    const failed = await run(mixed, output);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /reject rate 50\.0% is above run\.maxRejectRate 20\.0%; the previous output .*out\.jsonl is kept/,
    );
    expect(failed.stdout).toContain("output not written");
    expect(readFileSync(output).equals(before)).toBe(true);
    expect(readdirSync(tmp).filter((f) => f.startsWith(".out.jsonl.tmp-"))).toEqual([]);
  });
});
