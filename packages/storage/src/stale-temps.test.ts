import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FileStepCache } from "./file-step-cache.js";
import { JsonlSink } from "./jsonl-sink.js";
import { ParquetSink } from "./parquet-sink.js";
import { removeStaleTemps, tempPathFor } from "./stale-temps.js";
import { useTempDir } from "./testdata/temp-dir.js";

/** A pid that ran and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(child.stdout);
}

/** The temp name `tempPathFor` would give `path` in a process with `pid`. */
function tempOf(path: string, pid: number): string {
  return tempPathFor(path).replace(`.tmp-${process.pid}-`, `.tmp-${pid}-`);
}

describe("stale temp files", () => {
  const tmp = useTempDir();

  it("removes a dead writer's temp file of the same output, and nothing else", async () => {
    const out = tmp("rows.jsonl");
    const dead = tempOf(out, deadPid());
    const live = tempOf(out, process.ppid); // the test runner's parent: running
    const otherOutput = tempOf(tmp("other.jsonl"), deadPid());
    const oldFormat = tmp(".rows.jsonl.tmp-999999-abcd1234");
    const otherHost = tmp(`.rows.jsonl.tmp-${deadPid()}-0000000011112222`);
    for (const f of [dead, live, otherOutput, oldFormat, otherHost, out]) await writeFile(f, "x");
    expect(await removeStaleTemps(out)).toEqual([dead]);
    const left = (await readdir(tmp())).sort();
    expect(left).toEqual(
      [live, otherOutput, oldFormat, otherHost, out].map((f) => f.slice(tmp().length + 1)).sort(),
    );
  });

  it("is done when a step cache starts a new file", async () => {
    const path = tmp("steps/compute.jsonl");
    await mkdir(tmp("steps"));
    await writeFile(tempOf(path, deadPid()), "partial header");
    const cache = await FileStepCache.open(path, "compute", "fp-1");
    await cache.close();
    expect(await readdir(tmp("steps"))).toEqual(["compute.jsonl"]);
  });

  it("is done when a sink opens, so a killed run's partial output is gone after the next one", async () => {
    for (const [name, open] of [
      ["rows.jsonl", (p: string) => JsonlSink.open(p)],
      ["rows.parquet", (p: string) => ParquetSink.open(p)],
    ] as const) {
      const out = tmp(name);
      await writeFile(tempOf(out, deadPid()), "partial");
      const sink = await open(out);
      await sink.write({ id: "1", row: { n: 1 } });
      await sink.commit();
      expect((await readdir(tmp())).filter((f) => f.includes(name))).toEqual([name]);
    }
  });
});
