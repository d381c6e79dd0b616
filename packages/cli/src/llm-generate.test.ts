import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const pipeline = resolve(import.meta.dirname, "testdata", "generate.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-generate-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readJsonl = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe.each(["openai", "ai-sdk"])("llm/generate through `dataflow run` with a %s serving", (type) => {
  it("answers every row, then a rerun sends zero requests (step cache, then response cache)", async () => {
    const server = await startChatServer({
      rules: [
        { match: /Summarise/, reply: (req) => `<think>short</think>about ${req.prompt.length} chars` },
        { match: /Classify this note/, reply: 'Sure! ```json\n{"topic": "kitchen"}\n```' },
      ],
    });
    try {
      const output = join(tmp, `${type}.jsonl`);
      const args = [
        "run",
        pipeline,
        "--output",
        output,
        "--set",
        `cache.dir=${join(tmp, `cache-${type}`)}`,
        "--set",
        `servings.writer.type=${type}`,
      ];
      const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-secret-123456" };
      const run = async (extra: string[] = []) => {
        const c = captureIO(env);
        const code = await runCli([...args, ...extra], c.io);
        return { code, stdout: c.stdout(), stderr: c.stderr() };
      };

      const first = await run();
      expect(first.code).toBe(0);
      const rows = readJsonl(output);
      expect(rows.map((r) => r.id)).toEqual(["a", "b", "d"]);
      for (const row of rows) {
        expect(row.summary).toMatch(/^about \d+ chars$/);
        expect(row.reasoning).toBe("short");
        expect(row.label).toEqual({ topic: "kitchen" });
      }
      const sent = server.requests.filter((r) => r.path.endsWith("/chat/completions")).length;
      expect(sent).toBe(6);
      expect(first.stdout).toMatch(
        /summarise: 3 requests \(0 from cache\), \d+ prompt \+ \d+ completion tokens, \$0\.\d+/,
      );
      expect(first.stdout + first.stderr).not.toContain("sk-test-secret-123456");

      const second = await run();
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/summarise +llm\/generate +3 +3 +0 +0 +0 +3/);
      const fresh = await run(["--fresh"]);
      expect(fresh.code).toBe(0);
      expect(fresh.stdout).toMatch(/summarise: 0 requests \(3 from cache\)/);
      expect(server.requests.filter((r) => r.path.endsWith("/chat/completions")).length).toBe(sent);
      expect(readJsonl(output)).toEqual(rows);

      const cacheFiles = JSON.stringify(readdirDeep(join(tmp, `cache-${type}`)));
      expect(cacheFiles).not.toContain("sk-test-secret-123456");
    } finally {
      await server.close();
    }
  });
});

/** Every file's content under a directory, for grepping. */
function readdirDeep(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...readdirDeep(path));
    else out.push(readFileSync(path, "utf8"));
  }
  return out;
}
