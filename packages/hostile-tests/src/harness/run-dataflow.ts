import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The repository root (this package is packages/hostile-tests). */
export const repoRoot = resolve(import.meta.dirname, "../../../..");
const bin = join(repoRoot, "packages/cli/src/bin.ts");
// Absolute, so a case may run the command from any working directory.
const tsx = pathToFileURL(createRequire(join(repoRoot, "package.json")).resolve("tsx")).href;

export interface DataflowResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory; the repository root by default. */
  cwd?: string;
  /** Added to a minimal environment (PATH, HOME): no provider variables leak in from the caller. */
  env?: Record<string, string>;
  /** Killed after this long (default 60 s), so no case can hang the suite. */
  timeoutMs?: number;
}

/** Runs `dataflow <args>` from source as its own process, the way a user would. */
export function runDataflow(args: readonly string[], options: RunOptions = {}): Promise<DataflowResult> {
  const child = spawn(process.execPath, ["--conditions=@dataflow/source", "--import", tsx, bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
