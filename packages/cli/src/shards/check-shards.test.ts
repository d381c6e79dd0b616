import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PipelinePlan } from "@dataflow/core";
import { afterAll, describe, expect, it } from "vitest";
import { rerunCommand } from "../commands/merge.js";
import { checkShards, shardCountsOnDisk } from "./check-shards.js";
import { shardLayout } from "./shard-layout.js";

const dir = mkdtempSync(join(tmpdir(), "dataflow-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = { name: "rare", output: { path: join(dir, "out", "rare.jsonl") } } as PipelinePlan;
const runDir = join(dir, "cache", "rare");

function shard(index: number, status: "ok" | "failed" | "none", fingerprints = ["a", "b"]) {
  const layout = shardLayout(plan, runDir, index, 4);
  if (status === "none") return layout;
  mkdirSync(layout.runDir, { recursive: true });
  writeFileSync(
    layout.summary,
    JSON.stringify({ status, reason: "reject rate 40.0% is above run.maxRejectRate 20.0%" }),
  );
  if (status === "ok") {
    mkdirSync(join(dir, "out"), { recursive: true });
    writeFileSync(layout.part, "");
    writeFileSync(layout.positions, "");
  }
  if (status === "ok")
    writeFileSync(
      layout.marker,
      JSON.stringify({
        pipeline: "rare",
        shard: index,
        of: 4,
        fingerprints,
        part: layout.part,
        finishedAt: "",
      }),
    );
  return layout;
}

describe("checkShards", () => {
  it("names each incomplete or mismatched shard with why and the command that reruns it", async () => {
    const layouts = [shard(0, "ok"), shard(1, "failed"), shard(2, "none"), shard(3, "ok", ["a", "c"])];
    mkdirSync(join(runDir, "shards", "00000-of-00002"), { recursive: true });
    const flags = { shards: 4, set: ["cache.dir=/tmp/my cache"], output: "out/x.jsonl" };
    const check = await checkShards(plan, layouts, (i) => rerunCommand("pipelines/rare.yaml", flags, i));
    expect(check.complete).toBeUndefined();
    expect(check.problems).toEqual([
      "shard 1/4 failed: reject rate 40.0% is above run.maxRejectRate 20.0%; rerun it: dataflow run pipelines/rare.yaml --output out/x.jsonl --set 'cache.dir=/tmp/my cache' --shard 1/4",
      expect.stringMatching(/^shard 2\/4 was never run; rerun it: .* --shard 2\/4$/),
      expect.stringMatching(
        /^shard 3\/4 was run with another pipeline, input, --limit or settings than shard 0\/4; rerun it with the same ones: .* --shard 3\/4 --fresh$/,
      ),
    ]);
    expect(await shardCountsOnDisk(runDir)).toEqual([2, 4]);
  });

  it("returns every marker and summary when all shards are complete and agree", async () => {
    const layouts = [0, 1, 2, 3].map((i) => shard(i, "ok"));
    const check = await checkShards(plan, layouts, () => "");
    expect(check.problems).toEqual([]);
    expect(check.complete?.markers.map((m) => m.shard)).toEqual([0, 1, 2, 3]);
  });

  it("names a complete shard whose part is gone", async () => {
    const layouts = [0, 1, 2, 3].map((i) => shard(i, "ok"));
    rmSync((layouts[2] as { positions: string }).positions);
    const check = await checkShards(plan, layouts, (i) => `rerun ${i}`);
    expect(check.problems).toEqual([
      expect.stringMatching(
        /^shard 2\/4: .*rare-00002-of-00004\.jsonl\.positions is gone; rerun it: rerun 2 --fresh$/,
      ),
    ]);
  });
});
