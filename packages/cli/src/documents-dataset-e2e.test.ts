import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Row } from "@dataflow/core";
import { openFileSource } from "@dataflow/storage";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-docs-ds-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pipeline(name: string, output: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `source: { path: docs, exclude: ["chains.md"] }`,
      `output: ${output}`,
      "run: { maxRejectRate: 0.5 }",
      "steps:",
      "  - { id: keep, op: core/select, params: { columns: [path, title, format, text, pages] } }",
      "",
    ].join("\n"),
  );
  return file;
}

describe("a folder of documents to a Hugging Face dataset", () => {
  it("writes Hub-named shards and a card matching the columns; the rows read back equal the JSONL run's; bad files are rejects", async () => {
    cpSync(join(repoRoot, "pipelines", "data", "docs"), join(tmp, "docs"), { recursive: true });
    writeFileSync(join(tmp, "docs", "broken.pdf"), "%PDF-1.4 not really\n");
    writeFileSync(join(tmp, "docs", "blob.txt"), Buffer.from([0xff, 0x00, 0x13]));

    const ds = pipeline(
      "docs-ds",
      "{ path: out/docs-ds, format: hf-dataset, shardRows: 2, license: cc-by-4.0 }",
    );
    const c = captureIO();
    expect(await runCli(["run", ds], c.io), c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/\(source\)\s+7\s+5\s+0\s+2/);
    expect(c.stdout()).toMatch(/reconciled: yes/);

    const dir = join(tmp, "out", "docs-ds");
    expect(readdirSync(join(dir, "data")).sort()).toEqual([
      "train-00000-of-00003.parquet",
      "train-00001-of-00003.parquet",
      "train-00002-of-00003.parquet",
    ]);
    const front = parse(readFileSync(join(dir, "README.md"), "utf8").split("---\n")[1] as string);
    expect(front.license).toBe("cc-by-4.0");
    expect(front.pretty_name).toBe("docs-ds");
    expect(front.dataset_info.features.map((f: { name: string }) => f.name)).toEqual([
      "path",
      "title",
      "format",
      "text",
      "pages",
    ]);
    expect(front.dataset_info.splits).toEqual([{ name: "train", num_examples: 5 }]);

    const jsonl = pipeline("docs-jsonl", "{ path: out/docs.jsonl }");
    expect(await runCli(["run", jsonl], captureIO().io)).toBe(0);
    const expected = readFileSync(join(tmp, "out", "docs.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Row);
    const back: Row[] = [];
    for await (const item of openFileSource({ path: dir }).read())
      if (item.kind === "row") back.push(item.row);
    expect(back).toEqual(expected);
    expect(back.map((r) => r.path)).toEqual([
      "brakes.md",
      "glossary.txt",
      "suspension.pdf",
      "tyres.md",
      "wheels.html",
    ]);
    // The dataset folder exists now: a second run replaces it rather than calling it a clash.
    const again = captureIO();
    expect(await runCli(["run", ds], again.io), again.stderr()).toBe(0);
    expect(readdirSync(join(dir, "data"))).toHaveLength(3);
  }, 60_000);
});
