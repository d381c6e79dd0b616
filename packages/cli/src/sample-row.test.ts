import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../../..");

describe("the committed sample of pipelines/rare.yaml's output", () => {
  it("has every column rare.yaml writes, and the README labels it as loopback output, not a real model", () => {
    const file = join(repoRoot, "pipelines", "samples", "rare.loopback-server.jsonl");
    const rows = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      for (const column of [
        "text",
        "question",
        "scenario",
        "hard_negatives",
        "reasoning",
        "answer",
        "positive_index",
      ])
        expect(row, column).toHaveProperty(column);
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    expect(readme).toContain("row shape from the loopback test server, not a real model");
    expect(readme).toContain("pipelines/samples/rare.loopback-server.jsonl");
  });
});
