import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunSummary } from "@dataflow/core";
import { type ChatServer, chatRequests } from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { startRareServer } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const pipeline = join(repoRoot, "pipelines", "rare.yaml");
const bin = join(import.meta.dirname, "bin.ts");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-shards-"));

let server: ChatServer;
beforeAll(async () => {
  server = await startRareServer();
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });

/** `dataflow <args> PIPELINE --output <out> --set cache.dir=<cache> …` in this process. */
async function cli(args: string[], name: string, extra: string[] = []) {
  const c = captureIO(env());
  const flags = ["--output", join(tmp, name, "rare.jsonl"), "--set", `cache.dir=${join(tmp, name, "cache")}`];
  const code = await runCli([...args, pipeline, ...flags, ...extra], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** One whole run and 3 shards plus a merge of the same pipeline; resolves to both outputs. */
async function wholeAndSharded(name: string, extra: string[] = []) {
  const whole = await cli(["run"], `${name}-whole`, extra);
  expect(whole.code, whole.stderr).toBe(0);
  for (const i of [0, 1, 2]) {
    const shard = await cli(["run"], name, [...extra, "--shard", `${i}/3`]);
    expect(shard.code, shard.stderr).toBe(0);
  }
  const merged = await cli(["merge"], name, [...extra, "--shards", "3"]);
  expect(merged.code, merged.stderr).toBe(0);
  return {
    whole: readFileSync(join(tmp, `${name}-whole`, "rare.jsonl")),
    merged: readFileSync(join(tmp, name, "rare.jsonl")),
    wholeRun: whole,
    mergeRun: merged,
  };
}

const count = (stdout: string, step: string) =>
  new RegExp(`^\\s*${step}\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)`, "m")
    .exec(stdout)
    ?.slice(1)
    .map(Number);

describe("pipelines/rare.yaml in 3 shards and a merge", () => {
  it("writes the bytes of a single-process run; summaries and rejects merge; a finished shard is skipped", {
    timeout: 240_000,
  }, async () => {
    const { whole, merged, wholeRun, mergeRun } = await wholeAndSharded("plain");
    expect(merged.length).toBeGreaterThan(1000);
    expect(merged.equals(whole)).toBe(true);
    for (const step of ["doc2query", "leakage", "judge", "dedup", "negatives", "distill"]) {
      expect(count(wholeRun.stdout, step), step).toHaveLength(4);
      expect(count(mergeRun.stdout, step), step).toEqual(count(wholeRun.stdout, step));
    }
    expect(mergeRun.stdout).toMatch(/wrote 29 rows to/);
    expect(mergeRun.stdout).toMatch(/reconciled: yes/);
    // The parts split the rows: none holds them all, each holds some.
    const parts = [0, 1, 2].map((i) => join(tmp, "plain", `rare-0000${i}-of-00003.jsonl`));
    const lines = parts.map((p) => readFileSync(p, "utf8").split("\n").filter(Boolean).length);
    expect(lines.reduce((a, b) => a + b)).toBe(29);
    for (const n of lines) expect(n).toBeGreaterThan(3);

    const requests = chatRequests(server).length;
    const again = await cli(["run"], "plain", ["--shard", "1/3"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/shard 1\/3 of "rare" is already complete .*nothing to do/);
    expect(chatRequests(server)).toHaveLength(requests);
  });

  it("decides near-dedup at the merge over every shard's rows: duplicates across shards go as in one run", {
    timeout: 240_000,
  }, async () => {
    const loose = ["--set", "steps.dedup.params.threshold=0.3"];
    const { whole, merged, wholeRun, mergeRun } = await wholeAndSharded("dedup", loose);
    const dropped = count(wholeRun.stdout, "dedup")?.[2] ?? 0;
    expect(dropped).toBeGreaterThan(2); // duplicates exist, and so cross shards
    expect(merged.equals(whole)).toBe(true);
    expect(count(mergeRun.stdout, "dedup")).toEqual(count(wholeRun.stdout, "dedup"));
    // The shards passed every row through dedup; the merge dropped the duplicates, across shards too.
    expect(mergeRun.stdout).toMatch(
      /decided at the merge over every shard's rows: dedup; [1-9]\d* output rows of the shards were dropped there/,
    );
  });

  // After the first test: its shards of 3 are on disk.
  it("names a missing shard with the command that reruns it, and refuses bad shard numbers", async () => {
    const missing = await cli(["merge"], "plain", ["--shards", "4"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /shard 0\/4 was never run; rerun it: dataflow run \S+rare\.yaml .*--shard 0\/4/,
    );
    expect(missing.stderr).toMatch(/shards of 3 exist under .*: was it --shards 3\?/);
    for (const [bad, why] of [
      ["3/3", /--shard 3\/3: shard index 3 is outside 0…2/],
      ["0/0", /--shard 0\/0: shard count 0 must be a whole number ≥ 1/],
      ["one/two", /"one\/two" is not a shard: write I\/N/],
    ] as const) {
      const r = await cli(["run"], "bad", ["--shard", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(why);
    }
    const upstream = await cli(["run"], "bad", [
      "--set",
      "steps.negatives.params.corpusFrom=upstream",
      "--shard",
      "0/2",
    ]);
    expect(upstream.code).toBe(2);
    expect(upstream.stderr).toMatch(
      /step "negatives" \(rare\/bm25-hard-neg\) cannot run in shards: corpusFrom: upstream/,
    );
    const queued = await cli(["run"], "bad", ["--queue", "redis://127.0.0.1:9", "--shard", "0/2"]);
    expect(queued.code).toBe(2);
    expect(queued.stderr).toMatch(/--queue and --shard split a run in two different ways; give one of them/);
    const dataset = await cli(["run"], "bad", ["--set", "output.format=hf-dataset", "--shard", "0/2"]);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toMatch(/--shard: the output .* is an hf-dataset folder/);
    // Chunks made by doc/chunk are the corpus of rare-from-docs.yaml: no shard could index them all.
    const c = captureIO(env());
    const docs = join(repoRoot, "pipelines", "rare-from-docs.yaml");
    const set = ["--set", "steps.negatives.params.corpusFrom=source"];
    expect(await runCli(["run", docs, ...set, "--shard", "0/2"], c.io)).toBe(2);
    expect(c.stderr()).toMatch(
      /rare-from-docs\.yaml:\d+:\d+: step "negatives" \(rare\/bm25-hard-neg\) cannot run in shards: its corpus column "text" is made by an earlier step/,
    );
  });

  it("a shard killed with SIGKILL and rerun leaves the merged output unchanged", {
    timeout: 300_000,
  }, async () => {
    const name = "killed";
    const reference = readFileSync(join(tmp, "plain-whole", "rare.jsonl"));
    for (const i of [0, 2]) expect((await cli(["run"], name, ["--shard", `${i}/3`])).code).toBe(0);
    const before = chatRequests(server).length;
    const code = await spawnKilled(name, "1/3", () => chatRequests(server).length >= before + 6);
    expect(code).toBe(null); // killed, not finished
    const early = await cli(["merge"], name, ["--shards", "3"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /shard 1\/3 has no completion marker .*still running, or was killed; rerun it: dataflow run .*--shard 1\/3/,
    );
    expect(existsSync(join(tmp, name, "rare.jsonl"))).toBe(false);
    const rerun = await cli(["run"], name, ["--shard", "1/3"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const merged = await cli(["merge"], name, ["--shards", "3"]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(readFileSync(join(tmp, name, "rare.jsonl")).equals(reference)).toBe(true);
  });
});

describe("global filters decided at the merge", () => {
  it("dedup, limit and sample of a size over 4 shards give a single run's output, rejects and counts", async () => {
    const pipelineFile = join(import.meta.dirname, "testdata", "shard-globals.yaml");
    const input = join(tmp, "globals.jsonl");
    const lines = Array.from({ length: 400 }, (_, n) =>
      n === 17
        ? "{not json"
        : JSON.stringify({
            n,
            key: n % 230,
            text: n % 11 === 0 ? "short" : `note number ${n}`,
            ...(n % 7 === 0 ? {} : { extra: "x" }),
          }),
    );
    writeFileSync(input, `${lines.join("\n")}\n`);
    const run = async (name: string, args: string[]) => {
      const c = captureIO({});
      const flags = [
        "--input",
        input,
        "--output",
        join(tmp, name, "out.jsonl"),
        "--set",
        `cache.dir=${join(tmp, name, "cache")}`,
      ];
      const code = await runCli([args[0] as string, pipelineFile, ...flags, ...args.slice(1)], c.io);
      return { code, stdout: c.stdout(), stderr: c.stderr() };
    };
    const whole = await run("globals-whole", ["run"]);
    expect(whole.code, whole.stderr).toBe(0);
    for (const i of [0, 1, 2, 3]) expect((await run("globals", ["run", "--shard", `${i}/4`])).code).toBe(0);
    const merged = await run("globals", ["merge", "--shards", "4"]);
    expect(merged.code, merged.stderr).toBe(0);
    const out = (name: string) => readFileSync(join(tmp, name, "out.jsonl"), "utf8");
    expect(out("globals").split("\n").filter(Boolean)).toHaveLength(60);
    expect(out("globals")).toBe(out("globals-whole"));
    // Rows the merge's dedup dropped were rejected by "prompt" in their shards: those rejects are void.
    expect(merged.stdout).toMatch(/prompt\s+core\/template\s+\d+\s+\d+\s+0\s+(\d+)/);
    expect(count(merged.stdout, "prompt")?.[3]).toBe(count(whole.stdout, "prompt")?.[3]);
    const shardRejects = [0, 1, 2, 3].map((i) => {
      const file = join(
        tmp,
        "globals",
        "cache",
        "shard-globals",
        "shards",
        `0000${i}-of-00004`,
        "summary.json",
      );
      return (JSON.parse(readFileSync(file, "utf8")) as RunSummary).steps[2]?.rejected ?? 0;
    });
    expect(shardRejects.reduce((a, b) => a + b)).toBeGreaterThan(count(whole.stdout, "prompt")?.[3] ?? 0);
    for (const step of ["short", "dedup", "limit", "sample"])
      expect(count(merged.stdout, step), step).toEqual(count(whole.stdout, step));
    expect(merged.stdout).toMatch(/\(source\)\s+400\s+399\s+0\s+1/);
    const rejects = (name: string) =>
      readFileSync(join(tmp, name, "cache", "shard-globals", "rejects", "source.jsonl"), "utf8");
    expect(rejects("globals")).toBe(rejects("globals-whole"));
    const promptRejects = (name: string) =>
      readFileSync(join(tmp, name, "cache", "shard-globals", "rejects", "prompt.jsonl"), "utf8")
        .split("\n")
        .sort();
    expect(promptRejects("globals")).toEqual(promptRejects("globals-whole"));
  });
});

/** Spawns `dataflow run --shard` and SIGKILLs it once `when()` holds (polled, at most 120 s). */
function spawnKilled(name: string, shard: string, when: () => boolean): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@dataflow/source",
      "--import",
      "tsx",
      bin,
      "run",
      pipeline,
      "--output",
      join(tmp, name, "rare.jsonl"),
      "--set",
      `cache.dir=${join(tmp, name, "cache")}`,
      "--shard",
      shard,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env() }, stdio: "ignore" },
  );
  const done = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const started = Date.now();
  const poll = setInterval(() => {
    if (when() || Date.now() - started > 120_000) {
      clearInterval(poll);
      child.kill("SIGKILL");
    }
  }, 5);
  done.finally(() => clearInterval(poll));
  return done;
}
