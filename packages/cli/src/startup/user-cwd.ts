import { join, resolve } from "node:path";

/**
 * The folder the user ran the command in, when that is not the process's working directory:
 * `pnpm dataflow …` runs the workspace's `dataflow` script from the workspace root, and pnpm (and
 * npm) pass the folder it was typed in as INIT_CWD. Only that script of this workspace is
 * trusted: a `dataflow` started inside some other package's script keeps its own working
 * directory, whatever INIT_CWD it inherited.
 */
export function userCwd(env: Record<string, string | undefined>, cwd: string): string | undefined {
  const init = env.INIT_CWD;
  if (!init || env.npm_lifecycle_event !== "dataflow") return undefined;
  if (env.npm_package_name !== "dataflow-ts") return undefined;
  // The script runs where its package.json is; anything else is not our script.
  if (env.npm_package_json && resolve(env.npm_package_json) !== join(resolve(cwd), "package.json")) {
    return undefined;
  }
  const dir = resolve(init);
  return dir === resolve(cwd) ? undefined : dir;
}
