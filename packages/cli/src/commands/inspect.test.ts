import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ParquetSink } from "@dataflow/storage";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { addInspectCommand } from "./add-inspect.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-inspect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LONG = `First line of a long document.\n\n${"word ".repeat(80)}end`;
const ROWS = [
  { id: "a", text: LONG, score: 0.5 },
  { id: "b", text: "short", score: 2 },
  { id: "c", text: "third", score: 3 },
];

async function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIO();
  let code = -1;
  const program = new Command("dataflow").exitOverride();
  addInspectCommand(program, c.io, (n) => {
    code = n;
  });
  await program.parseAsync(["inspect", ...args], { from: "user" });
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

async function writeParquet(path: string): Promise<void> {
  const sink = await ParquetSink.open(path, {});
  for (const [i, row] of ROWS.entries()) await sink.write({ id: String(i + 1), row });
  await sink.commit();
}

describe("dataflow inspect", () => {
  const jsonl = `${ROWS.map((r) => JSON.stringify(r)).join("\n")}\n`;
  const files: [string, () => Promise<void> | void][] = [
    ["rows.jsonl", () => writeFileSync(join(tmp, "rows.jsonl"), jsonl)],
    ["rows.jsonl.gz", () => writeFileSync(join(tmp, "rows.jsonl.gz"), gzipSync(jsonl))],
    ["rows.json", () => writeFileSync(join(tmp, "rows.json"), JSON.stringify(ROWS, null, 2))],
    [
      "rows.csv",
      () => writeFileSync(join(tmp, "rows.csv"), `id,text,score\na,"${LONG}",0.5\nb,short,2\nc,third,3\n`),
    ],
    ["rows.parquet", () => writeParquet(join(tmp, "rows.parquet"))],
  ];

  it.each(files)("prints the first rows of %s with long fields folded", async (name, write) => {
    await write();
    const { code, stdout } = await inspect(join(tmp, name), "-n", "2", "--width", "40");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("── row 1");
    expect(lines[1]).toBe("  id     a");
    // Whitespace runs (the blank line too) fold to one space; 434 characters in all, 40 shown.
    expect(lines[2]).toBe("  text   First line of a long document. word word… (+394 chars)");
    expect(stdout).toContain("── row 2\n  id     b\n  text   short\n");
    expect(stdout).not.toContain("third");
    expect(stdout).toMatch(new RegExp(`${name.replace(".", "\\.")} \\(\\S+\\): first 2 rows\\n$`));
  });

  it("shows arrays one item a line and prints JSON lines unfolded with --json", async () => {
    const path = join(tmp, "arrays.jsonl");
    writeFileSync(path, `${JSON.stringify({ negatives: ["one", LONG], n: [1, 2] })}\n`);
    const pretty = await inspect(path, "--width", "20");
    expect(pretty.stdout).toContain(
      "  negatives  [2 items]\n               [0] one\n               [1] First line of a long… (+",
    );
    expect(pretty.stdout).toContain("  n          [1,2]\n");
    const json = await inspect(path, "--json");
    expect(JSON.parse(json.stdout.trim())).toEqual({ negatives: ["one", LONG], n: [1, 2] });
  });

  it("names an unreadable record with its location, and a missing file is an error", async () => {
    const path = join(tmp, "broken.jsonl");
    writeFileSync(path, '{"id":"a"}\n{not json\n');
    const r = await inspect(path);
    expect(r.stdout).toMatch(/── record 2: unreadable at \S*broken\.jsonl:2(:\d+)?: /);
    expect(r.stdout).toMatch(/first 1 row, 1 unreadable\n$/);
    const missing = await inspect(join(tmp, "nope.jsonl"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl/);
  });
});
