import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const pipeline = join(repoRoot, "pipelines", "rare.yaml");
const tinyModel = join(resolve(repoRoot, "..", "shared"), "models", "stories260K.gguf");
const haveModel = existsSync(tinyModel);
if (!haveModel) console.warn(`skipping rare-local: ${tinyModel} is absent (../shared holds the test models)`);

const tmp = mkdtempSync(join(tmpdir(), "dataflow-rare-local-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!haveModel)("pipelines/rare.yaml on a local model, offline", () => {
  it("every row passes doc2query, negatives and distill with structurally valid fields", {
    timeout: 240_000,
  }, async () => {
    const output = join(tmp, "rare.jsonl");
    // No OPENAI_* in the env: nothing but the in-process model. One thread: the tiny model is
    // fastest so on a small CI machine (more threads oversubscribe it).
    const c = captureIO({ DATAFLOW_LOCAL_THREADS: "1" });
    const code = await runCli(
      [
        "run",
        pipeline,
        // Five short documents: the prompts must fit stories260K's 2,048-token context.
        "--input",
        join(import.meta.dirname, "testdata", "rare-tiny-docs.jsonl"),
        "--output",
        output,
        "--set",
        `cache.dir=${join(tmp, "cache")}`,
        "--set",
        "servings.teacher.type=local",
        "--set",
        `servings.teacher.model=${tinyModel}`,
        // One sequence: with a 260K-parameter model, batching sequences costs more than it gains.
        "--set",
        "servings.teacher.maxConcurrency=1",
        "--set",
        "steps.doc2query.params.minDocChars=50",
        "--set",
        "steps.doc2query.params.maxTokens=256",
        "--set",
        "steps.distill.params.maxTokens=128",
        // A children's-story model cannot judge: the judge's JSON is grammar-constrained, so it
        // parses, but its grades only annotate here instead of filtering every row.
        "--set",
        "steps.judge.params.mode=annotate",
        "--set",
        "steps.judge.params.maxTokens=600",
        // The model writes children's stories, not questions: BM25 rarely finds a term shared
        // with the other documents, so rows may carry no negatives rather than be rejected.
        "--set",
        "steps.negatives.params.minNeg=0",
        "--set",
        "steps.negatives.params.query=question+scenario",
      ],
      c.io,
    );
    const stdout = c.stdout();
    const stderr = c.stderr();
    console.log(`--- dataflow run pipelines/rare.yaml on stories260K.gguf ---\n${stdout}${stderr}`);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/serving "teacher": local, model .*stories260K\.gguf/);
    expect(stderr).toMatch(
      /local model .*stories260K\.gguf ready .*\(CPU, 1 thread, 1 × 2048 tokens of context/,
    );
    expect(stdout).toMatch(/doc2query\s+rare\/doc2query\s+5\s+5\s+0\s+0/);
    // A story model may write the same question for two documents; near-dedup keeps the first.
    const distill = /distill\s+rare\/reason-distill\s+(\d+)\s+(\d+)\s+0\s+0/.exec(stdout);
    expect(distill?.[1]).toBe(distill?.[2]);
    const kept = Number(distill?.[2]);
    expect(kept).toBeGreaterThan(0);

    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(kept);
    for (const row of rows) {
      expect(typeof row.question === "string" && row.question.trim().length > 0).toBe(true);
      expect(typeof row.scenario === "string" && row.scenario.trim().length > 0).toBe(true);
      expect(Array.isArray(row.hard_negatives)).toBe(true);
      expect((row.hard_negatives as unknown[]).every((n) => typeof n === "string")).toBe(true);
      expect(typeof row.reasoning === "string" && row.reasoning.trim().length > 0).toBe(true);
      expect(Number.isInteger(row.positive_index) && (row.positive_index as number) >= 1).toBe(true);
    }
  });
});
