import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cliDir = resolve(import.meta.dirname, "..", "..");
const repoRoot = resolve(cliDir, "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-no-sdk-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SDKS = ["openai", "ai", "@ai-sdk/openai", "node-llama-cpp"];
const QUEUE_CLIENTS = ["bullmq", "ioredis"];

/** The bare package names the real CLI imports for `args`, recorded by a resolve hook. */
function importedPackages(args: string[]): string[] {
  const log = join(tmp, `imports-${args[0]}.txt`);
  const hook = join(tmp, "record-imports.mjs");
  writeFileSync(
    hook,
    `import { registerHooks } from "node:module";
import { appendFileSync } from "node:fs";
registerHooks({ resolve(spec, ctx, next) {
  if (!/^(\\.|\\/|node:|file:|data:)/.test(spec)) appendFileSync(${JSON.stringify(log)}, spec + "\\n");
  return next(spec, ctx);
} });
`,
  );
  writeFileSync(log, "");
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      hook,
      "--conditions=@dataflow/source",
      "--import",
      import.meta.resolve("tsx"),
      join(cliDir, "src", "bin.ts"),
      ...args,
    ],
    { cwd: repoRoot, encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
}

describe("start-up imports", { timeout: 60_000 }, () => {
  it("--help loads no pipeline code; validate and operators import no LLM SDK", () => {
    const help = importedPackages(["--help"]);
    expect(help.filter((p) => p.startsWith("@dataflow/"))).toEqual([]);
    // The work queue's client loads only with `run --queue` and `worker`.
    expect(help.filter((p) => QUEUE_CLIENTS.includes(p))).toEqual([]);
    for (const args of [["validate", "pipelines/rare.yaml"], ["operators"]]) {
      const loaded = importedPackages(args);
      expect(loaded).toContain("@dataflow/core");
      expect(loaded.filter((p) => SDKS.includes(p))).toEqual([]);
      expect(loaded.filter((p) => QUEUE_CLIENTS.includes(p))).toEqual([]);
    }
  });
});
