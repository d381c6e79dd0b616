// Start-up of the `dataflow` command: median wall time of 5 runs of each command, beside the
// floor `node -e 0` timed in the same run, and beside the same command from the TypeScript
// sources through tsx (how `pnpm dataflow` ran before it ran dist/). Run: pnpm bench:startup
// (after `pnpm build`; a stale dist/ makes the launcher fall back to the sources, which this reports).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fmt } from "./child-result.js";

const root = resolve(import.meta.dirname, "..");
const RUNS = 5;
// Time dist/ even while sources are being edited (the launcher would otherwise run the sources).
const distEnv = { ...process.env, DATAFLOW_USE_DIST: "1" };
const TARGET_S = 0.3;
const FIRST_ROW_TARGET_S = 0.5;
const tmp = mkdtempSync(join(tmpdir(), "bench-startup-"));

const launcher = [join(root, "packages/cli/bin/dataflow.js")];
const sources = ["--conditions=@dataflow/source", "--import", "tsx", join(root, "packages/cli/src/bin.ts")];

interface Case {
  label: string;
  args: string[];
  target: number;
}

const example = [
  "run",
  "pipelines/example.yaml",
  "--output",
  join(tmp, "example.jsonl"),
  "--set",
  `cache.dir=${join(tmp, "cache")}`,
  "--fresh",
];
const cases: Case[] = [
  { label: "--help", args: ["--help"], target: TARGET_S },
  { label: "validate pipelines/rare.yaml", args: ["validate", "pipelines/rare.yaml"], target: TARGET_S },
  { label: "operators", args: ["operators"], target: TARGET_S },
  { label: "run pipelines/example.yaml (all rows out)", args: example, target: FIRST_ROW_TARGET_S },
];

/** Median seconds of RUNS runs of `node …args`; fails loudly on a non-zero exit. */
function median(args: string[]): { seconds: number; stderr: string } {
  const times: number[] = [];
  let stderr = "";
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env: distEnv });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (child.status !== 0)
      throw new Error(`node ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
    stderr = child.stderr;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(RUNS / 2)] as number, stderr };
}

try {
  // One warm-up each: the compile cache and the file cache start warm, as on a second call.
  median(["-e", "0"]);
  const floor = median(["-e", "0"]).seconds;
  console.log(`start-up, median of ${RUNS} (floor node -e 0: ${fmt(floor, 3)} s)`);
  console.log(
    `${"command".padEnd(44)}${"dist/".padStart(9)}${"− floor".padStart(9)}${"target".padStart(8)}${"sources".padStart(9)}`,
  );
  for (const c of cases) {
    spawnSync(process.execPath, [...launcher, ...c.args], { cwd: root, env: distEnv });
    const built = median([...launcher, ...c.args]);
    if (built.stderr.includes("running the TypeScript sources")) {
      console.log(`  (dist/ is stale: ${built.stderr.split("\n")[0]})`);
    }
    const fromSources = median([...sources, ...c.args]).seconds;
    const ok = built.seconds <= c.target ? "ok" : "OVER";
    console.log(
      `${c.label.padEnd(44)}${fmt(built.seconds, 3).padStart(9)}${fmt(built.seconds - floor, 3).padStart(9)}${`≤ ${c.target}`.padStart(8)}${fmt(fromSources, 3).padStart(9)}  ${ok}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
