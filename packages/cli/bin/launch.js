// Starts the compiled CLI (dist/), fast. In a checkout of the dataflow-ts workspace whose dist/ is
// missing or older than its sources, it runs the TypeScript sources through tsx instead (slower,
// never stale) and says so; `pnpm build` (also run by `pnpm install`) makes start-up fast again.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import module from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// V8 caches compiled code across runs (Node >= 22.1); start-up is mostly module compilation.
module.enableCompileCache?.();

const cliDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(dirname(cliDir));
// DATAFLOW_USE_DIST=1 skips the check (benchmarks of dist/ while sources are being edited).
const checkout =
  process.env.DATAFLOW_USE_DIST !== "1" &&
  existsSync(join(cliDir, "src")) &&
  existsSync(join(root, "pnpm-workspace.yaml"));
const stale = checkout ? staleBuild(root) : undefined;

if (stale === undefined) {
  await import("../dist/bin.js");
} else {
  process.stderr.write(
    `dataflow: ${stale}; running the TypeScript sources (slower start). \`pnpm build\` makes it fast again.\n`,
  );
  runSources();
}

/** Why the workspace's dist/ folders cannot be trusted, or undefined when every one is newer than its sources. */
function staleBuild(workspace) {
  const packages = join(workspace, "packages");
  for (const name of readdirSync(packages)) {
    const dir = join(packages, name);
    if (!existsSync(join(dir, "tsconfig.build.json"))) continue;
    const built = mtime(join(dir, "dist", "index.js"));
    if (built === undefined) return `${relative(workspace, dir)}/dist is not built`;
    const changed = newerSource(join(dir, "src"), built);
    if (changed) return `${relative(workspace, changed)} changed since the last build`;
  }
  return undefined;
}

/** The first source file (tests and test data aside) modified after `since`, if any. */
function newerSource(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "testdata") continue;
      const found = newerSource(path, since);
      if (found) return found;
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      if ((mtime(path) ?? 0) > since) return path;
    }
  }
  return undefined;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The sources under tsx in a child Node (workers it starts inherit the same loader), exiting as it does. */
function runSources() {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@dataflow/source",
      "--import",
      import.meta.resolve("tsx"),
      join(cliDir, "src", "bin.ts"),
      ...process.argv.slice(2),
    ],
    { stdio: "inherit" },
  );
  // Ctrl-C reaches the child through the terminal's process group; a signal sent to this process only is passed on.
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward);
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}
