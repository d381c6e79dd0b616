import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { startRareServer } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const examples = join(repoRoot, "examples", "distributed");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-dist-"));
const dataflow = `${process.execPath} --conditions=@dataflow/source --import tsx ${join(import.meta.dirname, "bin.ts")}`;

let server: ChatServer;
beforeAll(async () => {
  server = await startRareServer();
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs a Slurm script as sbatch would, with the array task's variables; resolves to its exit code. */
function sbatch(script: string, vars: Record<string, string>): Promise<number | null> {
  const child = spawn("bash", [join(examples, "slurm", script)], {
    cwd: repoRoot,
    env: {
      ...process.env,
      OPENAI_BASE_URL: server.url,
      DATAFLOW_MODEL: "test-model",
      DATAFLOW: dataflow,
      ...vars,
    },
    stdio: "ignore",
  });
  return new Promise((r) => child.on("close", r));
}

describe("examples/distributed", () => {
  it("the Slurm array and merge scripts shard pipelines/rare.yaml into the output of one run", {
    timeout: 240_000,
  }, async () => {
    const flags = (name: string) => [
      "--output",
      join(tmp, name, "rare.jsonl"),
      "--set",
      `cache.dir=${join(tmp, name, "cache")}`,
    ];
    const c = captureIO({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });
    expect(
      await runCli(["run", join(repoRoot, "pipelines", "rare.yaml"), ...flags("one")], c.io),
      c.stderr(),
    ).toBe(0);
    const vars = { SHARDS: "2", PIPELINE: "pipelines/rare.yaml", DATAFLOW_FLAGS: flags("slurm").join(" ") };
    for (const task of ["0", "1"])
      expect(await sbatch("shard.sbatch", { ...vars, SLURM_ARRAY_TASK_ID: task })).toBe(0);
    expect(await sbatch("merge.sbatch", vars)).toBe(0);
    expect(
      readFileSync(join(tmp, "slurm", "rare.jsonl")).equals(readFileSync(join(tmp, "one", "rare.jsonl"))),
    ).toBe(true);
    // Outside an array task the script says what is missing instead of running.
    expect(await sbatch("shard.sbatch", { SHARDS: "2" })).not.toBe(0);
  });

  it("the Kubernetes Indexed Job and the merge Job agree on N, the pipeline and the flags", () => {
    const shards = parse(readFileSync(join(examples, "kubernetes", "shards-job.yaml"), "utf8"));
    const merge = parse(readFileSync(join(examples, "kubernetes", "merge-job.yaml"), "utf8"));
    const spec = shards.spec;
    expect(spec.completionMode).toBe("Indexed");
    const container = spec.template.spec.containers[0];
    const n = container.env.find((e: { name: string }) => e.name === "SHARDS").value;
    expect(Number(n)).toBe(spec.completions);
    const command: string = container.args[0];
    expect(command).toContain('--shard "${JOB_COMPLETION_INDEX}/${SHARDS}"');
    const mergeArgs: string[] = merge.spec.template.spec.containers[0].command;
    expect(mergeArgs.slice(mergeArgs.indexOf("--shards"), mergeArgs.indexOf("--shards") + 2)).toEqual([
      "--shards",
      n,
    ]);
    for (const flag of [
      "pipelines/rare.yaml",
      "--output /data/out/rare.jsonl",
      "--set cache.dir=/data/cache",
    ]) {
      expect(mergeArgs.join(" ")).toContain(flag);
      expect(command).toContain(flag);
    }
  });
});
