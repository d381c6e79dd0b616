import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Diagnostic, SourceLocation } from "../../contracts/errors.js";
import { isWithin, realPath, runDirAbove } from "./real-path.js";
import { writeProblem } from "./writable-path.js";

/** The files and folders a run reads and writes, absolute. */
export interface RunPaths {
  source: string;
  output: string;
  rejects: string;
  /** `cache.dir`: where every pipeline's run directory lives. */
  cacheDir: string;
  /** This pipeline's run directory, `<cache.dir>/<name>`. */
  runDir: string;
  /** The output format writes a folder (a dataset directory) rather than one file. */
  outputIsFolder?: boolean;
}

/** Where each path was written: a YAML position, or the flag that set it. */
export interface RunPathLocations {
  source: SourceLocation;
  output: SourceLocation;
  cache: SourceLocation;
}

const MOVE_OUTPUT = "write the output somewhere else: change output.path, or pass --output";

/**
 * Paths that would destroy or mix data are errors before anything runs: an output or rejects file
 * that is the input (also through a symlink), a file written inside a cache folder (this
 * pipeline's or another's), a run directory holding the input; and paths that cannot be written.
 */
export function guardRunPaths(paths: RunPaths, at: RunPathLocations): Diagnostic[] {
  const out: Diagnostic[] = [];
  const source = realPath(paths.source);
  for (const [what, path] of [
    ["output", paths.output],
    ["rejects file", paths.rejects],
  ] as const) {
    const problem = clash(what, path, source, paths);
    if (problem) out.push({ severity: "error", message: problem, location: at.output, hint: MOVE_OUTPUT });
  }
  if (isWithin(source, realPath(paths.runDir)))
    out.push({
      severity: "error",
      message: `the run directory ${paths.runDir} (cache.dir/name) holds the input file ${paths.source}: clearing the cache (--fresh) would delete it`,
      location: at.cache,
      hint: "set cache.dir to a folder of its own, away from the input",
    });
  if (out.length) return out;
  return writeProblems(paths, at);
}

function clash(what: string, path: string, source: string, paths: RunPaths): string | undefined {
  const real = realPath(path);
  if (real === source) {
    const via = real !== path ? ` (${path} leads to ${real})` : "";
    return `the ${what} ${path} is the input file ${paths.source}${via}: the run would overwrite its own input`;
  }
  if (isWithin(real, realPath(paths.cacheDir)))
    return `the ${what} ${path} is inside the cache folder ${paths.cacheDir}, which the runs of pipelines manage`;
  const runDir = runDirAbove(dirname(real));
  if (runDir)
    return `the ${what} ${path} is inside the cache of pipeline ${pipelineOf(runDir)} (${runDir}): that run's files would be mixed with this one's`;
  return undefined;
}

function writeProblems(paths: RunPaths, at: RunPathLocations): Diagnostic[] {
  const out: Diagnostic[] = [];
  const output =
    writeProblem(paths.output, paths.outputIsFolder ? "folder" : "file") ??
    writeProblem(paths.rejects, "file");
  if (output)
    out.push({
      severity: "error",
      message: `cannot write the output: ${output}`,
      location: at.output,
      hint: `${MOVE_OUTPUT}, or fix the folder's permissions`,
    });
  const cache = writeProblem(paths.runDir, "folder");
  if (cache)
    out.push({
      severity: "error",
      message: `cannot use the cache folder: ${cache}`,
      location: at.cache,
      hint: "set cache.dir to a folder this user can create and write",
    });
  return out;
}

/** The pipeline a run directory belongs to, from its manifest; the folder name when unreadable. */
function pipelineOf(runDir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as {
      pipeline?: unknown;
    };
    if (typeof manifest.pipeline === "string") return JSON.stringify(manifest.pipeline);
  } catch {
    // An unreadable manifest still marks a run directory.
  }
  return JSON.stringify(runDir.split(/[\\/]/).at(-1));
}
