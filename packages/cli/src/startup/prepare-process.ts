import { loadEnvFile } from "./env-file.js";
import { quietOnEpipe } from "./quiet-epipe.js";
import { userCwd } from "./user-cwd.js";

/**
 * What the `dataflow` process sets up before any command: it works from the folder the user typed
 * the command in, with that folder's `.env` read, and a closed pipe ends its output quietly.
 */
export function prepareProcess(): void {
  quietOnEpipe(process.stdout);
  quietOnEpipe(process.stderr);
  const dir = userCwd(process.env, process.cwd());
  if (dir !== undefined) process.chdir(dir);
  const env = loadEnvFile(process.cwd(), process.env);
  if (env.problem) process.stderr.write(`warning: cannot read ${env.file}: ${env.problem}; ignoring it\n`);
}
