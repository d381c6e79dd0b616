import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { guardRunPaths, type RunPaths } from "./guard-paths.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-guard-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const input = join(tmp, "in.jsonl");
writeFileSync(input, '{"a":1}\n');
const at = {
  source: { file: "p.yaml", line: 2 },
  output: { file: "--output" },
  cache: { file: "p.yaml", line: 4 },
};

function paths(over: Partial<RunPaths>): RunPaths {
  const cacheDir = join(tmp, "cache");
  return {
    source: input,
    output: join(tmp, "out.jsonl"),
    rejects: join(tmp, "out.rejects.jsonl"),
    cacheDir,
    runDir: join(cacheDir, "p"),
    ...over,
  };
}

describe("guardRunPaths", () => {
  it("passes distinct, writable paths", () => {
    expect(guardRunPaths(paths({}), at)).toEqual([]);
  });

  it("refuses an output that is the input, naming both paths, at the flag", () => {
    const [d, ...rest] = guardRunPaths(paths({ output: join(tmp, "sub/../in.jsonl") }), at);
    expect(rest).toEqual([]);
    expect(d?.location).toEqual({ file: "--output" });
    expect(d?.message).toContain("is the input file");
    expect(d?.message).toContain(input);
  });

  it("sees through a symlink to the input", () => {
    const link = join(tmp, "link.jsonl");
    symlinkSync(input, link);
    const [d] = guardRunPaths(paths({ output: link }), at);
    expect(d?.message).toMatch(
      /link\.jsonl is the input file .*in\.jsonl \(.*link\.jsonl leads to .*in\.jsonl\)/,
    );
  });

  it("refuses a rejects file that is the input", () => {
    const [d] = guardRunPaths(paths({ rejects: input }), at);
    expect(d?.message).toContain("rejects file");
  });

  it("refuses an output inside the cache folder or another pipeline's run directory", () => {
    const other = join(tmp, "elsewhere", "other");
    mkdirSync(join(other, "steps"), { recursive: true });
    writeFileSync(join(other, "manifest.json"), '{"pipeline":"other","steps":[]}');
    expect(guardRunPaths(paths({ output: join(tmp, "cache", "x.jsonl") }), at)[0]?.message).toContain(
      "inside the cache folder",
    );
    const [d] = guardRunPaths(paths({ output: join(other, "steps", "x.jsonl") }), at);
    expect(d?.message).toContain(`inside the cache of pipeline "other" (${other})`);
  });

  it("refuses a run directory that holds the input, at cache.dir", () => {
    const runDir = join(tmp, "data");
    const [d, ...rest] = guardRunPaths(paths({ source: join(runDir, "in.jsonl"), runDir }), at);
    expect(rest).toEqual([]);
    expect(d?.location).toEqual(at.cache);
    expect(d?.message).toContain("holds the input file");
  });

  it("reports paths that cannot be written, in words", () => {
    const file = join(tmp, "plain");
    writeFileSync(file, "");
    const [o] = guardRunPaths(paths({ output: join(file, "out.jsonl") }), at);
    expect(o?.message).toBe(
      `cannot write the output: ${file} is a file, so ${join(file, "out.jsonl")} cannot be created under it`,
    );
    const [c] = guardRunPaths(paths({ runDir: file }), at);
    expect(c?.message).toBe(`cannot use the cache folder: ${file} is a file, not a folder`);
    expect(c?.location).toEqual(at.cache);
    const [d] = guardRunPaths(paths({ output: tmp }), at);
    expect(d?.message).toContain("is a folder, not a file");
  });
});
